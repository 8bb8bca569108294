// Python repositories end to end: detected checks run through a real sandbox with the real pytest,
// mypy and ruff, and the agent's summary names every failing test, even over its budget.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { missedProblems, runPlantedFixture } from "../planted-fixtures.ts";
import { defaultSummaryChars } from "../run-verifiers.ts";
import { summarizeReport } from "../summarize.ts";
import type { VerificationReport } from "../verifier.ts";
import {
  failingTestNames,
  mypyTypeErrorFixture,
  pytestFailuresFixture,
  pytestManyFailuresFixture,
  ruffLintErrorFixture,
} from "./python-fixtures.ts";

const timeout = 180_000;

const failures = pytestFailuresFixture();
test("the detected pytest check names each failing test with its file:line in the test file", {
  skip: failures.unavailable(),
  timeout,
}, async () => {
  const { report } = await runPlantedFixture(failures, AbortSignal.timeout(timeout));
  const [result, ...others] = report.results;
  assert.equal(others.length, 0);
  assert.equal(report.passed, false);
  assert.equal(result?.name, "pytest");
  assert.equal(result?.unparsed, false);
  assert.deepEqual(missedProblems(report, failures.planted), []);
  assert.match(report.summary, /^✗ pytest \([^)]*\): 4 failing tests$/m);
  assert.match(
    report.summary,
    /^ {2}tests\/test_calc\.py:19: tests\/test_calc\.py::TestRatio::test_ratio_by_zero$/m,
  );
  assert.match(report.summary, /ZeroDivisionError: division by zero/);
  assert.doesNotMatch(report.summary, /::test_add$/m, "a passing test is not listed");
  assert.ok(report.summary.length < (result?.rawChars ?? 0), "the summary is shorter than the raw log");
});

for (const fixture of [mypyTypeErrorFixture(), ruffLintErrorFixture()]) {
  test(`the detected ${fixture.tool} check reports every planted problem with file:line and rule`, {
    skip: fixture.unavailable(),
    timeout,
  }, async () => {
    const { report } = await runPlantedFixture(fixture, AbortSignal.timeout(timeout));
    assert.deepEqual(
      report.results.map((result) => [result.name, result.passed, result.unparsed]),
      [[fixture.tool, false, false]],
    );
    assert.deepEqual(missedProblems(report, fixture.planted), []);
  });
}

const many = pytestManyFailuresFixture(120);
describe("a run with 117 failing tests with long names", { skip: many.unavailable(), timeout }, () => {
  const names = failingTestNames(many);
  let report: VerificationReport | undefined;
  before(async () => {
    report = (await runPlantedFixture(many, AbortSignal.timeout(timeout))).report;
  });

  test("the parser finds every failing test", () => {
    assert.equal(names.length, 117);
    assert.deepEqual(
      report?.results[0]?.findings.map((finding) => finding.test),
      names,
    );
  });

  test("a roomy summary shows every node id in full", () => {
    const text = summarizeReport(report!, 100_000);
    for (const name of names) assert.ok(text.includes(name), `${name} is missing`);
  });

  test("the agent's summary stays within its budget and never drops a failing test", () => {
    const text = report!.summary;
    assert.ok(text.length <= defaultSummaryChars, `summary is ${text.length} characters`);
    const testLines = text.split("\n").filter((line) => /\[\d+\]$/.test(line));
    assert.equal(testLines.length, names.length);
    for (const name of names) {
      const parameter = /\[\d+\]$/.exec(name)![0];
      assert.ok(
        testLines.some((line) => line.endsWith(parameter)),
        `${name} has no line in the summary`,
      );
    }
  });
});
