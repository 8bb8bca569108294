// Chained JavaScript checks on recorded real output (fixtures/js-chains/README.md): tsd's type
// errors are type findings at file:line, never failing tests; AVA (3 and 6) is read from a chain's
// output with its test file:line; a c8 coverage table is never a finding.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { inferParser } from "../infer-parser.ts";
import { toVerifierResult } from "../run-verifiers.ts";
import { parseGenericOutput } from "./generic-parser.ts";

const fixtures = path.join(import.meta.dirname, "fixtures", "js-chains");
const recorded = (name: string): string => readFileSync(path.join(fixtures, name), "utf8");

function check(script: string, output: string) {
  const command = {
    name: "test",
    command: "npm",
    args: ["test"],
    cwd: ".",
    parser: inferParser(script),
    speeds: ["full" as const],
    timeoutMs: 60_000,
  };
  const execution = { exitCode: 1, signal: null, output, timedOut: false, truncated: false, durationMs: 1 };
  return toVerifierResult(command, execution, ["/nowhere/h12"]);
}

const tsdErrors = [
  {
    kind: "type",
    file: "source/index.d.ts",
    line: 1,
    message: "Type string is not assignable to type number.",
  },
  {
    kind: "type",
    file: "source/index.d.ts",
    line: 1,
    message: "Initializers are not allowed in ambient contexts.",
  },
  {
    kind: "type",
    file: "source/index.test-d.ts",
    line: 5,
    message: "Argument of type string is not assignable to parameter of type number.",
  },
];

const brief = (findings: { kind: string; file?: string; line?: number; message: string }[]) =>
  findings.map(({ kind, file, line, message }) => ({ kind, file, line, message }));

test("a chain naming tsd or ava beside another tool reads its output; tsd alone has its parser", () => {
  assert.equal(inferParser("xo && c8 ava && tsd"), "auto");
  assert.equal(inferParser("tsd"), "tsd");
  assert.equal(inferParser("xo"), "xo");
});

test("xo first in the chain: lint findings with their rules at file:line", () => {
  const result = check("xo && c8 ava && tsd", recorded("xo.txt"));
  assert.deepEqual(
    result.findings.map(({ kind, file, line, rule }) => ({ kind, file, line, rule })),
    [
      { kind: "lint", file: "source/lint.js", line: 1, rule: "import/newline-after-import" },
      { kind: "lint", file: "source/lint.js", line: 2, rule: "no-var" },
      { kind: "lint", file: "source/lint.js", line: 2, rule: "no-unused-vars" },
      { kind: "lint", file: "source/lint.js", line: 3, rule: "semi" },
    ],
  );
  assert.equal(
    result.findings[0]?.message,
    "Expected 1 empty line after import statement not followed by another import.",
  );
  assert.match(
    result.findings[2]?.message ?? "",
    /^unused is assigned a value but never used\. Allowed unused vars must match \/\^_\/u\.$/,
  );
});

test("tsd after node --test: type findings at file:line, no failing test with a made-up name", () => {
  const result = check("node --test && npm run check:types", recorded("node-test-then-tsd.txt"));
  assert.deepEqual(brief(result.findings), tsdErrors);
  assert.equal(result.unparsed, false);
  assert.match(result.summary, /: 3 type errors$/);
});

test("tsd after a passing c8 ava: the type errors, and nothing from the coverage table", () => {
  const result = check("c8 ava && tsd", recorded("c8-ava6-pass-then-tsd.txt"));
  assert.deepEqual(brief(result.findings), tsdErrors);
});

for (const [fixture, version] of [
  ["c8-ava6-fail.txt", "6"],
  ["c8-ava3-fail.txt", "3"],
] as const) {
  test(`AVA ${version} under c8 in a chain: the failing test at its file:line, the table no finding`, () => {
    const result = check("xo && c8 ava && tsd", recorded(fixture));
    assert.deepEqual(brief(result.findings), [
      { kind: "test", file: "test/shout.js", line: 9, message: "expected 'bar', actual 'FOO'" },
    ]);
    assert.equal(result.findings[0]?.test, "does not add any styling when called as the base function");
    assert.match(result.summary, /: 1 failing test$/);
  });
}

test("the generic fallback's tail ends at the runner's last words, not at a coverage table row", () => {
  const findings = parseGenericOutput(recorded("c8-ava3-fail.txt"), 1);
  assert.equal(findings.at(-1)?.message, "1 test failed");
  assert.ok(findings.every((finding) => !/\|/.test(finding.context ?? "")));
});
