// The mypy parser on output captured from the real mypy (a fixture project with planted type
// errors), and on literal samples of what such runs print in other configurations.
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeCaptured } from "../python/describe-captured.ts";
import { mypyTypeErrorFixture } from "../python/python-fixtures.ts";
import { parseMypyOutput } from "./mypy-parser.ts";

const fixture = mypyTypeErrorFixture();
describeCaptured("mypy parser on real mypy output", fixture, (output) => {
  test("reads file, line, column and error code of every planted type error", () => {
    const findings = parseMypyOutput(output());
    assert.deepEqual(
      findings.map(({ kind, file, line, rule }) => ({ kind, file, line, rule })),
      fixture.planted,
    );
    assert.equal(findings[0]?.column, 12);
    assert.equal(findings[0]?.message, 'Incompatible return value type (got "float", expected "int")');
  });
});

const fixed = { ...fixture, files: { ...fixture.files, "src/calc/__init__.py": "x: int = 1\n" } };
describeCaptured("mypy parser on real mypy output after the fix", fixed, (output) => {
  test("finds nothing once the errors are fixed", () => {
    assert.match(output(), /Success: no issues found/);
    assert.deepEqual(parseMypyOutput(output()), []);
  });
});

test("notes after an error become its context; a syntax error is a compile finding", () => {
  const output = [
    "tests/test_calc.py:5: error: Function is missing a return type annotation  [no-untyped-def]",
    'tests/test_calc.py:5: note: Use "-> None" if function does not return a value',
    "src/calc/syn.py:1: error: invalid syntax  [syntax]",
    'src/a.py:3:5:3:9: error: Name "y" is not defined  [name-defined]',
    'src/a.py:1: note: "x" defined here',
    "Found 3 errors in 3 files (checked 4 source files)",
  ].join("\n");
  assert.deepEqual(parseMypyOutput(output), [
    {
      kind: "type",
      file: "tests/test_calc.py",
      line: 5,
      rule: "no-untyped-def",
      message: "Function is missing a return type annotation",
      context: 'note: Use "-> None" if function does not return a value',
    },
    { kind: "compile", file: "src/calc/syn.py", line: 1, rule: "syntax", message: "invalid syntax" },
    {
      kind: "type",
      file: "src/a.py",
      line: 3,
      column: 5,
      rule: "name-defined",
      message: 'Name "y" is not defined',
      context: 'src/a.py:1: note: "x" defined here',
    },
  ]);
});

test("an error about a whole file has no line, and mypy's own usage errors are left to the fallback", () => {
  const output = 'src/pkg/mod.py: error: Duplicate module named "mod" (also at "lib/mod.py")\n';
  assert.deepEqual(parseMypyOutput(output), [
    { kind: "type", file: "src/pkg/mod.py", message: 'Duplicate module named "mod" (also at "lib/mod.py")' },
  ]);
  assert.deepEqual(parseMypyOutput("mypy: can't read file 'nope': No such file or directory\n"), []);
});
