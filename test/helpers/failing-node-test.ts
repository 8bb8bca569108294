// Test support: the real output of node's test runner (spec reporter) for one failing test whose
// name the caller chooses — what a CI job's log holds when that test fails.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Run one test named `name` that fails, in a temporary directory, and return what it printed. */
export function failingNodeTestOutput(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "slipway-failing-test-"));
  try {
    writeFileSync(
      path.join(dir, "failing.test.mjs"),
      `import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest(${JSON.stringify(name)}, () => { assert.equal(1, 2); });\n`,
    );
    execFileSync(process.execPath, ["--test", "--test-reporter=spec", "failing.test.mjs"], {
      cwd: dir,
      encoding: "utf8",
      stdio: "pipe",
      timeout: 60_000,
      // Without this the child reports to this test runner instead of printing its own output.
      env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NODE_TEST_CONTEXT")),
    });
  } catch (error) {
    return String((error as { stdout: string }).stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error("the fixture test was expected to fail");
}
