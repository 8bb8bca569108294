// A CI log made by running node's real test runner on a failing test, with runner timestamps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { failingNodeTestOutput } from "../../../test/helpers/failing-node-test.ts";
import { parseCiLog } from "./ci-log-findings.ts";

test("a timestamped CI log of a real failing node test yields the test's name", () => {
  const log = failingNodeTestOutput("parses week 53")
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
