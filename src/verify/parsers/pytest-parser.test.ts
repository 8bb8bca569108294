// The pytest parser on output captured from the real pytest (fixture projects in temp dirs), and on
// short literal samples of the report shapes those runs do not produce.
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeCaptured } from "../python/describe-captured.ts";
import { pytestCollectionErrorFixture, pytestFailuresFixture } from "../python/python-fixtures.ts";
import { headlineName, parsePytestOutput } from "./pytest-parser.ts";
import { splitSummaryText } from "./pytest-report.ts";

const failures = pytestFailuresFixture();
describeCaptured("pytest parser on real output of failing tests", failures, (output) => {
  test("names every failing and erroring test by node id, with the line in the test file", () => {
    const findings = parsePytestOutput(output());
    assert.deepEqual(
      findings.map(({ kind, test, file, line }) => ({ kind, test, file, line })),
      failures.planted,
    );
  });

  test("the message is the final exception's first line; the deepest project frame is context", () => {
    const [negative, ratio, byZero, database] = parsePytestOutput(output());
    assert.equal(negative?.message, "assert 1 == 3");
    assert.match(negative?.context ?? "", /where 1 = add\(2, -1\)/);
    assert.equal(ratio?.message, "assert 0.75 == 0.5");
    assert.equal(byZero?.message, "ZeroDivisionError: division by zero");
    assert.match(byZero?.context ?? "", /^raised at src\/calc\/__init__\.py:6$/m);
    assert.equal(database?.message, "error at setup: RuntimeError: database is not reachable");
  });
});

describeCaptured(
  "pytest parser on real output of a collection error",
  pytestCollectionErrorFixture(),
  (output) => {
    test("a module that fails to import is reported with its path and the import error", () => {
      const [finding, ...rest] = parsePytestOutput(output());
      assert.equal(rest.length, 0);
      assert.equal(finding?.test, "tests/test_broken.py");
      assert.equal(finding?.file, "tests/test_broken.py");
      assert.equal(finding?.line, 1);
      assert.match(finding?.message ?? "", /^error collecting: ImportError: cannot import name 'subtract'/);
    });
  },
);

test("a passing pytest run has no findings", () => {
  const output = [
    "============================= test session starts ==============================",
    "collected 2 items",
    "",
    "tests/test_ok.py ..                                                       [100%]",
    "",
    "============================== 2 passed in 0.01s ===============================",
  ].join("\n");
  assert.deepEqual(parsePytestOutput(output), []);
});

test("--tb=long blocks (code frame, then file:line: ExceptionType) are read too", () => {
  const output = [
    "=================================== FAILURES ===================================",
    "________________________________ test_subtract _________________________________",
    "",
    "    def test_subtract():",
    ">       assert add(2, -1) == 3",
    "E       assert 1 == 3",
    "E        +  where 1 = add(2, -1)",
    "",
    "tests/test_math.py:10: AssertionError",
    "----------------------------- Captured stdout call -----------------------------",
    "tests/test_math.py:99: printed by the test, not a location",
    "=========================== short test summary info ============================",
    "FAILED tests/test_math.py::test_subtract - assert 1 == 3",
    "============================== 1 failed in 0.02s ===============================",
  ].join("\n");
  const [finding] = parsePytestOutput(output);
  assert.deepEqual(
    finding && { test: finding.test, file: finding.file, line: finding.line, message: finding.message },
    {
      test: "tests/test_math.py::test_subtract",
      file: "tests/test_math.py",
      line: 10,
      message: "assert 1 == 3",
    },
  );
});

test("without a short test summary, the FAILURES blocks still name the tests", () => {
  const output = [
    "=================================== FAILURES ===================================",
    "____________________________ TestParse.test_empty _____________________________",
    "tests/test_parse.py:7: in test_empty",
    "    assert parse('') == []",
    "E   ValueError: empty input",
    "============================== 1 failed in 0.02s ===============================",
  ].join("\n");
  const [finding] = parsePytestOutput(output);
  assert.equal(finding?.test, "TestParse.test_empty");
  assert.equal(finding?.file, "tests/test_parse.py");
  assert.equal(finding?.line, 7);
  assert.equal(finding?.message, "ValueError: empty input");
});

test("a summary entry without its block keeps the node id and the summary's message", () => {
  const output = [
    "=========================== short test summary info ============================",
    "FAILED tests/test_a.py::test_x[a - b] - AssertionError: boom",
    "ERROR tests/test_a.py::test_y",
    "========================= 1 failed, 1 error in 0.02s ==========================",
  ].join("\n");
  assert.deepEqual(
    parsePytestOutput(output).map(({ test, file, message }) => ({ test, file, message })),
    [
      { test: "tests/test_a.py::test_x[a - b]", file: "tests/test_a.py", message: "AssertionError: boom" },
      { test: "tests/test_a.py::test_y", file: "tests/test_a.py", message: "error" },
    ],
  );
});

test("node ids split from messages outside brackets, and map to pytest's headlines", () => {
  assert.deepEqual(splitSummaryText("t.py::test[x - y] - boom - again"), {
    nodeId: "t.py::test[x - y]",
    message: "boom - again",
  });
  assert.deepEqual(splitSummaryText("t.py"), { nodeId: "t.py" });
  assert.equal(headlineName("tests/t.py::TestA::TestB::test_c[1]"), "TestA.TestB.test_c[1]");
});
