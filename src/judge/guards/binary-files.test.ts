// Tests for the binary-files guard, and for the content guards reading binary-looking files.
import assert from "node:assert/strict";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { binaryFilesGuard } from "./binary-files.ts";
import { GuardPolicy } from "./guard.ts";
import { runGuards } from "./registry.ts";

/** A GitHub-token-shaped value built at run time, so no credential-shaped literal is in git. */
const token = `gh${"p_"}${"Zq8wRt3YkLm2Xv9Bn4Hj6Pd1Fs7Gc5Na0UeT"}`;

describe("binary-files guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("refuses a NUL byte in a source file and a -diff attribute on a test file, naming why", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/a.ts": "export const a = 1;\n", "test/a.test.ts": "test('a', () => {});\n" },
      {
        "src/a.ts": "export const a = 2;\0\n",
        ".gitattributes": "*.test.ts -diff\n",
        "test/a.test.ts": "test('a', () => { /* changed */ });\n",
        "assets/logo.png": "\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
      },
    );
    const findings = binaryFilesGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file }) => file),
      ["src/a.ts", "test/a.test.ts"],
    );
    assert.match(findings[0]!.message, /holds NUL bytes/);
    assert.match(findings[1]!.message, /\.gitattributes marks it binary/);
    assert.match(findings[0]!.message, /guards\.allowBinary/);
  });

  test("lets binary content into a text-typed path that allowBinary names, and into images", async () => {
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n" },
      { "fixtures/raw.json": "{\0}\n", "assets/logo.png": "\x89PNG\r\n\x1a\n\0\0" },
    );
    assert.deepEqual(binaryFilesGuard.check(diff, GuardPolicy.parse({ allowBinary: ["fixtures/**"] })), []);
  });

  test("the secrets, tests-disabled and placeholders guards read files git shows as binary", async () => {
    const diff = await diffOfChange(
      repo,
      { "README.md": "x\n", "test/b.test.ts": "test('b', () => {});\n" },
      {
        "data/blob.bin": `\0\0header\nconst key = "${token}";\n\0`,
        ".gitattributes": "*.test.ts -diff\n*.py binary\n",
        "test/b.test.ts": "test.skip('b', () => {});\n",
        "src/c.py": "def handler():\n    raise NotImplementedError\n",
      },
    );
    const findings = runGuards(diff, GuardPolicy.parse({ allowBinary: ["**"], allowProtected: ["**"] }));
    assert.deepEqual(
      findings.findings.map(({ guard, file }) => `${guard} ${file}`),
      ["secrets data/blob.bin", "tests-disabled test/b.test.ts", "placeholders src/c.py"],
    );
  });

  test("refuses binary content in an extensionless script, by its mode or its #! line (red team R3)", async () => {
    repo.write("README.md", "x\n");
    const base = repo.commit();
    const script = `#!/bin/sh\n# release helper\n#\0\n${"# padding\n".repeat(300)}touch /tmp/PAYLOAD\n`;
    repo.write("bin/release", script);
    chmodSync(join(repo.dir, "bin/release"), 0o755);
    repo.write("tools/run", script);
    repo.write("bin/data", "\0\0not a script\n");
    chmodSync(join(repo.dir, "bin/data"), 0o755);
    repo.write("assets/blob", "\0\0plain data\n");
    const findings = binaryFilesGuard.check(await repo.diff(base), GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file }) => file),
      ["bin/data", "bin/release", "tools/run"],
    );
    assert.match(findings[1]!.message, /text file by its name, mode or #! line/);
  });
});
