// A CI log made by running node's real test runner on a failing test, with runner timestamps.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { parseCiLog } from "./ci-log-findings.ts";

const dir = mkdtempSync(path.join(tmpdir(), "slipway-ci-log-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function failingRunOutput(): string {
  writeFileSync(
    path.join(dir, "week.test.mjs"),
    'import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("parses week 53", () => { assert.equal(1, 2); });\n',
  );
  try {
    execFileSync(process.execPath, ["--test", "--test-reporter=spec", "week.test.mjs"], {
      cwd: dir,
      encoding: "utf8",
      stdio: "pipe",
      // Without this the child reports to this test runner instead of printing its own output.
      env: Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NODE_TEST_CONTEXT")),
    });
  } catch (error) {
    return String((error as { stdout: string }).stdout);
  }
  throw new Error("the fixture test was expected to fail");
}

test("a timestamped CI log of a real failing node test yields the test's name", () => {
  const log = failingRunOutput()
    .split("\n")
    .map((line) => `2026-12-01T10:00:00.1234567Z ${line}`)
    .join("\n");
  const { parser, findings } = parseCiLog(log);
  assert.equal(parser, "node-test");
  assert.ok(
    findings.some((finding) => finding.test?.includes("parses week 53")),
    JSON.stringify(findings),
  );
});

test("a log no parser knows falls back to the generic reading", () => {
  const { parser } = parseCiLog("step 1\nstep 2\nError: the deploy key is missing\n");
  assert.equal(parser, "generic");
});
