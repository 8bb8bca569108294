// The ruff parser on output captured from the real ruff when it is installed (it is not packaged
// in Debian 12), and on literal samples captured from ruff 0.16.9 in both output forms.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { describeCaptured } from "../python/describe-captured.ts";
import { ruffLintErrorFixture } from "../python/python-fixtures.ts";
import { parseRuffOutput } from "./ruff-parser.ts";

const fixture = ruffLintErrorFixture();
describeCaptured("ruff parser on real ruff output", fixture, (output) => {
  test("reads file, line, column and rule of every planted lint error", () => {
    const findings = parseRuffOutput(output());
    assert.deepEqual(
      findings.map(({ kind, file, line, rule }) => ({ kind, file, line, rule })),
      fixture.planted,
    );
    assert.equal(findings[0]?.message, "`os` imported but unused");
  });
});

// ruff 0.16.9, `ruff check --output-format=concise` on a project with a lint error and a syntax error.
const conciseSample = [
  "src/calc/lint.py:1:8: F401 [*] `os` imported but unused",
  "src/calc/syn.py:1:12: invalid-syntax: Expected a parameter or the end of the parameter list",
  "tests/test_calc.py:1:1: I001 [*] Import block is un-sorted or un-formatted",
  "Found 3 errors.",
  "[*] 2 fixable with the `--fix` option.",
].join("\n");

// ruff 0.16.9, plain `ruff check` (the full form, with code frames and fix hints).
const fullSample = [
  "F401 [*] `os` imported but unused",
  " --> src/calc/lint.py:1:8",
  "  |",
  "1 | import os",
  "  |        ^^",
  "2 | import sys",
  "  |",
  "help: Remove unused import: `os`",
  "  |",
  "  - import os",
  "1 | import sys",
  "  |",
  "",
  "invalid-syntax: Expected `)`, found newline",
  " --> src/calc/syn.py:1:13",
  "  |",
  "1 | def broken(:",
  "  |             ^",
  "2 |   pass",
  "  |",
  "",
  "Found 2 errors.",
].join("\n");

const unusedImport: Finding = {
  kind: "lint",
  file: "src/calc/lint.py",
  line: 1,
  column: 8,
  rule: "F401",
  message: "`os` imported but unused",
};
const syntaxError = (column: number, message: string): Finding => ({
  kind: "compile",
  file: "src/calc/syn.py",
  line: 1,
  column,
  message,
});

test("the concise form gives lint findings with rules and syntax errors as compile findings", () => {
  assert.deepEqual(parseRuffOutput(conciseSample), [
    unusedImport,
    syntaxError(12, "Expected a parameter or the end of the parameter list"),
    {
      kind: "lint",
      file: "tests/test_calc.py",
      line: 1,
      column: 1,
      rule: "I001",
      message: "Import block is un-sorted or un-formatted",
    },
  ]);
});

test("the full form gives the same findings, with the code frame as context", () => {
  const findings = parseRuffOutput(fullSample);
  assert.deepEqual(
    findings.map(({ context: _context, ...rest }) => rest),
    [unusedImport, syntaxError(13, "Expected `)`, found newline")],
  );
  assert.match(findings[0]?.context ?? "", /^1 \| import os$/m);
});

test("older ruff's SyntaxError lines are compile findings, and a clean run has none", () => {
  const [finding] = parseRuffOutput("app.py:3:1: SyntaxError: Unexpected indentation\n");
  assert.equal(finding?.kind, "compile");
  assert.equal(finding?.message, "SyntaxError: Unexpected indentation");
  assert.deepEqual(parseRuffOutput("All checks passed!\n"), []);
});
