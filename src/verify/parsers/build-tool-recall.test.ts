// Recall of failing test names through parser and summary for cargo, go test, Maven Surefire and
// Gradle: many failing tests with long messages overflow the summary's budget, and the summary
// gives up messages and context but keeps every failing test's name.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding, VerifierResult } from "../../core/finding.ts";
import { defaultSummaryChars } from "../run-verifiers.ts";
import { checkLine, summarizeReport } from "../summarize.ts";
import { findParser } from "./parser-registry.ts";

const failingCount = 80;
const longMessage = (index: number): string =>
  `value ${index} differs: ${"expected something else ".repeat(12)}`;
const indexes = Array.from({ length: failingCount }, (_, index) => index + 1);

interface Format {
  parser: string;
  /** The name the parser gives failing test `index`. */
  name: (index: number) => string;
  output: () => string;
}

const formats: Format[] = [
  {
    parser: "cargo",
    name: (index) => `tests::group_${index % 7}::case_${index}`,
    output: () => {
      const name = formats[0]!.name;
      const results = indexes.map((index) => `test ${name(index)} ... FAILED`);
      const blocks = indexes.flatMap((index) => [
        `---- ${name(index)} stdout ----`,
        `thread '${name(index)}' panicked at src/lib.rs:${index}:5:`,
        longMessage(index),
        "  extra detail line one",
        "  extra detail line two",
        "",
      ]);
      return [
        "running 81 tests",
        ...results,
        "test tests::passes ... ok",
        "",
        "failures:",
        "",
        ...blocks,
      ].join("\n");
    },
  },
  {
    parser: "go",
    name: (index) => `example.com/repo/calc.TestCase${index}/sub_${index % 5}`,
    output: () => {
      const tests = indexes.flatMap((index) => [
        `--- FAIL: TestCase${index} (0.00s)`,
        `    --- FAIL: TestCase${index}/sub_${index % 5} (0.00s)`,
        `        calc_test.go:${index}: ${longMessage(index)}`,
        "            more detail",
      ]);
      return [...tests, "FAIL", "FAIL\texample.com/repo/calc\t0.010s", "FAIL"].join("\n");
    },
  },
  {
    parser: "maven",
    name: (index) => `com.example.CalculatorTest.case${index}`,
    output: () => {
      const blocks = indexes.flatMap((index) => [
        `[ERROR] case${index}(com.example.CalculatorTest)  Time elapsed: 0.001 s  <<< FAILURE!`,
        `java.lang.AssertionError: ${longMessage(index)}`,
        `\tat com.example.CalculatorTest.case${index}(CalculatorTest.java:${index})`,
        "",
      ]);
      return [
        `[ERROR] Tests run: 81, Failures: 80, Errors: 0, Skipped: 0, Time elapsed: 0.5 s <<< FAILURE! - in com.example.CalculatorTest`,
        ...blocks,
      ].join("\n");
    },
  },
  {
    parser: "gradle",
    name: (index) => `com.example.CalculatorTest > case${index}`,
    output: () =>
      indexes
        .flatMap((index) => [
          `com.example.CalculatorTest > case${index} FAILED`,
          `    java.lang.AssertionError: ${longMessage(index)}`,
          `        at com.example.CalculatorTest.case${index}(CalculatorTest.java:${index})`,
          "",
        ])
        .join("\n"),
  },
];

function failingResult(name: string, findings: Finding[], rawChars: number): VerifierResult {
  const result: VerifierResult = {
    name,
    command: name,
    passed: false,
    exitCode: 1,
    timedOut: false,
    durationMs: 1000,
    findings,
    summary: "",
    unparsed: false,
    rawChars,
  };
  return { ...result, summary: checkLine(result) };
}

for (const format of formats) {
  test(`${format.parser}: ${failingCount} failing tests overflow the budget and every name is still shown`, () => {
    const output = format.output();
    const findings = findParser(format.parser)!.parse(output, 1);
    assert.equal(findings.filter((finding) => finding.kind === "test").length, failingCount);
    const result = failingResult("test", findings, output.length);
    const summary = summarizeReport(
      { speed: "full", passed: false, results: [result], summary: "" },
      defaultSummaryChars,
    );
    assert.ok(summary.length <= defaultSummaryChars, `summary is ${summary.length} characters`);
    assert.ok(summary.length < output.length / 2, "the summary is much smaller than the log");
    // Whole names only: `case1` must not pass for being part of `case10`.
    const lines = summary.split("\n").map((line) => line.trimEnd());
    const missing = indexes
      .map(format.name)
      .filter((name) => !lines.some((line) => line.endsWith(` ${name}`)));
    assert.deepEqual(missing, []);
  });
}
