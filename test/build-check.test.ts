// The check that guards what the package ships (scripts/build-check.ts), on a build made by hand:
// test code and imports outside the dependencies are found, assets and string contents are not.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const checker = fileURLToPath(new URL("../scripts/build-check.ts", import.meta.url));
const build = mkdtempSync(path.join(tmpdir(), "slipway-build-check-"));
after(() => rmSync(build, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(build, file)), { recursive: true });
  writeFileSync(path.join(build, file), text);
}

/** buildProblems run as the build runs it: node's module parser needs --experimental-vm-modules. */
function problems(dependencies: string[]): string[] {
  const script = `import { buildProblems } from ${JSON.stringify(checker)};
    console.log(JSON.stringify(buildProblems(${JSON.stringify(build)}, new Set(${JSON.stringify(dependencies)}), ["demo/example-repo"])));`;
  const result = spawnSync(
    process.execPath,
    [
      "--experimental-vm-modules",
      "--disable-warning=ExperimentalWarning",
      "--input-type=module",
      "-e",
      script,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

test("finds test code and imports a user's install would lack, and nothing in assets or strings", () => {
  write("cli/main.js", 'import { Command } from "commander";\nimport { z } from "zod/mini";\nexport {};\n');
  write("forge/lazy.js", 'export const load = async () => (await import("@octokit/rest")).Octokit;\n');
  write("demo/script.js", 'export const text = `\nimport { test } from "node:test";\n`;\n');
  write("demo/example-repo/test/a.test.js", 'import { test } from "node:test";\n');
  write("verify/helpers.js", 'import { afterEach } from "node:test";\nexport {};\n');
  write("verify/tool.js", 'import { describe } from "vitest";\nexport {};\n');
  write("forge/test-double/server.js", "export {};\n");
  write("store/store-fixtures.js", "export {};\n");
  assert.deepEqual(problems(["commander", "zod", "@octokit/rest"]), [
    "forge/test-double/server.js: test code in the build",
    "store/store-fixtures.js: test code in the build",
    "verify/helpers.js: imports node:test (test code)",
    "verify/tool.js: imports vitest, which is not in package.json's dependencies",
  ]);
  assert.ok(
    problems(["commander", "zod"]).includes(
      "forge/lazy.js: imports @octokit/rest, which is not in package.json's dependencies",
    ),
    "a lazily imported package outside the dependencies is found",
  );
});
