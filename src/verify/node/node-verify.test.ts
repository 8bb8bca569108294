// Every Node fixture through detection and the real tools: each planted failing test is named at
// its file and line, each planted lint or type error found with its rule, in the findings and in
// the summary the agent sees.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { missedProblems, runPlantedFixture } from "../planted-fixtures.ts";
import { defaultSummaryChars } from "../run-verifiers.ts";
import { failingTestNames, nodeFixtures } from "./node-fixtures.ts";

describe("node fixtures, detected and run with the real tools", { concurrency: 3 }, () => {
  for (const fixture of nodeFixtures()) {
    test(`${fixture.name}: ${fixture.description}`, { skip: fixture.unavailable() }, async () => {
      const { report, notes } = await runPlantedFixture(fixture, AbortSignal.timeout(180_000));
      assert.equal(report.passed, false);
      const unparsed = report.results.filter((result) => !result.passed && result.unparsed);
      assert.deepEqual(unparsed, [], `${report.summary}\n${notes.join("\n")}`);
      assert.deepEqual(missedProblems(report, fixture.planted), []);
      const findings = report.results.flatMap((result) => result.findings);
      assert.equal(
        findings.filter((finding) => finding.kind === "test").length,
        failingTestNames(fixture).length,
        "one finding per failing test, no more",
      );
      assert.ok(
        report.summary.length <= defaultSummaryChars,
        `summary is ${report.summary.length} characters`,
      );
      // Names may be shortened in the middle to fit; the end of each, which tells them apart, stays.
      for (const name of failingTestNames(fixture)) assert.ok(report.summary.includes(name.slice(-22)), name);
      for (const problem of fixture.planted.filter((planted) => planted.kind !== "test")) {
        assert.ok(
          report.summary.includes(`${problem.file}:${problem.line}: ${problem.rule} `),
          report.summary,
        );
      }
    });
  }
});
