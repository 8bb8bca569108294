// The agent's summary: one line per check, findings within the budget, failing test names kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding, VerifierResult } from "../core/finding.ts";
import {
  checkLine,
  estimateTokens,
  expandGroupedTestNames,
  sharedParametrized,
  sharedSuite,
  summarizeReport,
} from "./summarize.ts";
import type { VerificationReport } from "./verifier.ts";

function result(name: string, findings: Finding[], extra: Partial<VerifierResult> = {}): VerifierResult {
  const passed = findings.length === 0;
  const base: VerifierResult = {
    name,
    command: `npm run ${name}`,
    passed,
    exitCode: passed ? 0 : 1,
    timedOut: false,
    durationMs: 1234,
    findings,
    summary: "",
    unparsed: false,
    rawChars: 10_000,
    ...extra,
  };
  return { ...base, summary: checkLine(base) };
}

function report(...results: VerifierResult[]): VerificationReport {
  return { speed: "fast", passed: results.every((item) => item.passed), results, summary: "" };
}

const failingTest = (index: number, name = `case ${index}`): Finding => ({
  kind: "test",
  test: name,
  file: "test/cases.test.js",
  line: index,
  message: `Expected values to be strictly equal: ${index} !== ${index + 1}`,
  context: "+ actual - expected\n- 1\n+ 2",
});

const typeError = (index: number): Finding => ({
  kind: "type",
  rule: "TS2322",
  file: "src/index.ts",
  line: index,
  message: "Type 'string' is not assignable to type 'number'.",
});

test("a passing report is one ✓ line per check", () => {
  const text = summarizeReport(report(result("typecheck", []), result("test", [])), 1000);
  assert.equal(text, "✓ typecheck (1.2 s)\n✓ test (1.2 s)");
});

test("a failing report lists check lines first, then file:line findings with test names and first error lines", () => {
  const text = summarizeReport(
    report(result("typecheck", [typeError(3)]), result("test", [failingTest(7, "math > adds")])),
    2000,
  );
  const lines = text.split("\n");
  assert.match(lines[0]!, /^✗ typecheck \(1\.2 s\): 1 type error$/);
  assert.match(lines[1]!, /^✗ test \(1\.2 s\): 1 failing test$/);
  assert.ok(lines.includes("  src/index.ts:3: TS2322 Type 'string' is not assignable to type 'number'."));
  assert.ok(lines.includes("  test/cases.test.js:7: math > adds"));
  assert.ok(lines.includes("    Expected values to be strictly equal: 7 !== 8"));
  assert.ok(lines.includes("      + actual - expected"), "context is shown when it fits");
});

test("context goes before messages when the budget is tight", () => {
  const full = report(result("test", [failingTest(1), failingTest(2)]));
  const roomy = summarizeReport(full, 10_000);
  const tight = summarizeReport(full, roomy.length - 1);
  assert.doesNotMatch(tight, /\+ actual - expected/);
  assert.match(tight, /1 !== 2/);
});

test("findings other than tests are cut with a note saying how many", () => {
  const errors = Array.from({ length: 60 }, (_, index) => typeError(index + 1));
  const text = summarizeReport(report(result("typecheck", errors)), 1500);
  assert.ok(text.length <= 1500);
  const cut = /… (\d+) more findings cut to fit/.exec(text);
  assert.ok(cut, text);
  const shown = text.split("\n").filter((line) => line.startsWith("  src/index.ts:")).length;
  assert.equal(shown + Number(cut[1]), 60);
});

test("over budget, tests sharing a suite are listed under it, each name whole", () => {
  const suite = "invoice parsing > totals with discounts and taxes across several currencies";
  const findings = Array.from({ length: 80 }, (_, index) =>
    failingTest(index + 1, `${suite} > rounds line ${index + 1}`),
  );
  const text = summarizeReport(report(result("test", findings)), 4000);
  assert.ok(text.length <= 4000, `summary is ${text.length} characters`);
  assert.equal(text.split(suite).length - 1, 1, "the shared suite is said once");
  for (let index = 1; index <= 80; index++)
    assert.match(text, new RegExp(`^ {4}(\\d+: )?rounds line ${index}$`, "m"));
  assert.doesNotMatch(text, /…/);
  assert.doesNotMatch(text, /1 !== 2/, "messages were dropped before names were grouped");
  assert.deepEqual(
    expandGroupedTestNames(text),
    findings.map((finding) => finding.test),
  );
});

test("over budget, long names without a shared suite are shortened in the middle, none dropped", () => {
  const findings = Array.from({ length: 80 }, (_, index) =>
    failingTest(
      index + 1,
      `invoice ${index + 1} parses totals with discounts and taxes across currencies and rounds line ${index + 1}`,
    ),
  );
  const text = summarizeReport(report(result("test", findings)), 4000);
  assert.ok(text.length <= 4000, `summary is ${text.length} characters`);
  for (let index = 1; index <= 80; index++) assert.match(text, new RegExp(`rounds line ${index}\\b`));
  assert.match(text, /^ {2,4}(\S+:\d+: |\d+: )?invoice [^\n]*…[^\n]*rounds line 80$/m);
});

test("the shared suite is whole segments, and only when every name has one of its own after it", () => {
  assert.deepEqual(sharedSuite(["a > b > x", "a > b > y"]), { prefix: "a > b", separator: " > " });
  assert.deepEqual(sharedSuite(["a > b > x", "a > c > y"]), { prefix: "a", separator: " > " });
  assert.deepEqual(sharedSuite(["test_x.py::TestA::test_one", "test_x.py::TestA::test_two"]), {
    prefix: "test_x.py::TestA",
    separator: "::",
  });
  assert.equal(sharedSuite(["a > x", "b > y"]), undefined);
  assert.equal(sharedSuite(["a > x"]), undefined);
  assert.equal(sharedSuite(["abc x", "abc y"]), undefined);
});

test("a timed-out check says so on its line", () => {
  const hung = result("test", [{ kind: "unknown", message: "timed out after 1s and was stopped" }], {
    timedOut: true,
    exitCode: null,
  });
  assert.match(summarizeReport(report(hung), 1000), /^✗ test \(1\.2 s\): timed out$/m);
});

test("no checks at all is said plainly", () => {
  assert.match(
    summarizeReport({ speed: "full", passed: true, results: [], summary: "" }, 1000),
    /no checks ran at speed full/,
  );
});

test("tokens are estimated as a quarter of the characters", () => {
  assert.equal(estimateTokens("x".repeat(4000)), 1000);
});

test("over budget, one parametrized test's failures are listed under it, each parameter set whole", () => {
  const test = "tests/test_invoice.py::test_invoice_line_totals_round_down_to_the_cent_in_every_currency";
  const findings = Array.from({ length: 117 }, (_, index) =>
    failingTest(index + 1, `${test}[line-${index + 3}-EUR]`),
  );
  const text = summarizeReport(report(result("pytest", findings)), 6000);
  assert.ok(text.length <= 6000, `summary is ${text.length} characters`);
  assert.equal(text.split(test).length - 1, 1, "the parametrized test is named once");
  assert.match(text, /^ {4}(\d+: )?\[line-119-EUR\]$/m);
  assert.doesNotMatch(text, /^ {4}.*…/m, "no parameter set is shortened");
  assert.deepEqual(
    expandGroupedTestNames(text),
    findings.map((finding) => finding.test),
  );
});

test("a parametrized test is shared only when every name parametrizes the same function", () => {
  assert.equal(sharedParametrized(["test_f[1]", "test_f[a b]"]), "test_f");
  assert.equal(sharedParametrized(["test_f[1]", "test_g[1]"]), undefined);
  assert.equal(sharedParametrized(["test_f[1]", "test_f"]), undefined);
  assert.equal(sharedParametrized(["test_f[1]"]), undefined);
});

test("findings repeated by a later check are listed once, with a note saying so", () => {
  const errors = [typeError(1), typeError(2)];
  const text = summarizeReport(report(result("typecheck", errors), result("build", errors)), 6000);
  assert.equal(text.match(/src\/index\.ts:1: TS2322/g)?.length, 1, text);
  assert.match(text, /^build:\n {2}… 2 findings as listed above for another check$/m);
});

test("under budget pressure every failing test keeps its message before repeated diagnostics do", () => {
  const tests = Array.from({ length: 6 }, (_, index) => failingTest(index + 1));
  const types = Array.from({ length: 40 }, (_, index) => typeError(index + 1));
  const full = report(result("test", tests), result("typecheck", types), result("build", types));
  const text = summarizeReport(full, 1200);
  assert.ok(text.length <= 1200, `${text.length} chars`);
  for (const index of [1, 2, 3, 4, 5, 6])
    assert.match(text, new RegExp(`Expected values to be strictly equal: ${index} !== ${index + 1}`), text);
  assert.match(text, /src\/index\.ts:1: TS2322/);
});
