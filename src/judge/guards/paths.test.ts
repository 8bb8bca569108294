// Tests for the paths guard on real diffs: forbidden globs, allowed globs, renames.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { GuardPolicy } from "./guard.ts";
import { pathsGuard } from "./paths.ts";

describe("paths guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports a file that matches a forbidden glob, dot directories included", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/app.ts": "x\n" },
      { ".certs/server.pem": "pem\n", "src/app.ts": "y\n" },
    );
    const findings = pathsGuard.check(diff, GuardPolicy.parse({ forbiddenPaths: ["**/*.pem"] }));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.guard, "paths");
    assert.equal(findings[0]!.file, ".certs/server.pem");
    assert.equal(findings[0]!.line, undefined);
    assert.match(findings[0]!.message, /forbidden path "\*\*\/\*\.pem"/);
  });

  test("reports a file outside the allowed globs and accepts the ones inside", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/app.ts": "x\n", "docs/guide.md": "old\n" },
      { "src/app.ts": "y\n", "docs/guide.md": "new\n" },
    );
    const findings = pathsGuard.check(diff, GuardPolicy.parse({ allowedPaths: ["src/**"] }));
    assert.deepEqual(
      findings.map(({ guard, file }) => ({ guard, file })),
      [{ guard: "paths", file: "docs/guide.md" }],
    );
    assert.match(findings[0]!.message, /outside the allowed paths \(src\/\*\*\)/);
  });

  test("checks both sides of a rename", async () => {
    repo.write("src/keep.ts", "export const a = 1;\nexport const b = 2;\n");
    const base = repo.commit();
    repo.move("src/keep.ts", "vendor/keep.ts");
    const findings = pathsGuard.check(await repo.diff(base), GuardPolicy.parse({ allowedPaths: ["src/**"] }));
    assert.deepEqual(
      findings.map(({ file }) => file),
      ["vendor/keep.ts"],
    );
  });

  test("finds nothing in a change inside the allowed paths", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/app.ts": "x\n" },
      { "src/app.ts": "y\n", "src/new.ts": "z\n" },
    );
    const policy = GuardPolicy.parse({ allowedPaths: ["src/**"], forbiddenPaths: ["secrets/**"] });
    assert.deepEqual(pathsGuard.check(diff, policy), []);
  });
});
