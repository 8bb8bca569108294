// The CTest parser on CTest 3.25 output recorded with -j2 (results interleave with `Start` lines)
// and --output-on-failure; the real ctest runs in src/verify/cmake/cmake-detector.test.ts.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { parseCtestOutput } from "./ctest-parser.ts";

const output = await readFile(
  path.join(import.meta.dirname, "fixtures/c/ctest-j2-output-on-failure.txt"),
  "utf8",
);

test("one finding per failed test, named, with the status from the FAILED list and the place it printed", () => {
  assert.deepEqual(
    parseCtestOutput(output).map(({ test: name, file, line, message }) => [name, file, line, message]),
    [
      ["adds", "/tmp/h4-cm/good/calc_test.c", 8, "Assertion `add(2, 2) == 4' failed."],
      ["subtracts", "/tmp/h4-cm/good/calc_test.c", 9, "expected 1, got 3"],
      ["crashes", undefined, undefined, "SEGFAULT"],
      ["exits", undefined, undefined, "Failed: something went wrong"],
      ["hangs", undefined, undefined, "Timeout"],
    ],
  );
});

test("the context adds what the message does not say: the status, never the message's one line again", () => {
  const findings = parseCtestOutput(output);
  const context = (name: string): string | undefined =>
    findings.find((finding) => finding.test === name)?.context;
  assert.equal(context("adds"), "(Subprocess aborted)");
  assert.equal(context("subtracts"), "(Failed)");
  assert.equal(context("exits"), undefined, "Failed: something went wrong says it all");
  assert.equal(context("crashes"), undefined);
  assert.ok(findings.every((finding) => finding.test !== "passes" && finding.kind === "test"));
});

test("without --output-on-failure the FAILED list alone names the tests", () => {
  const listOnly = [
    "50% tests passed, 1 tests failed out of 2",
    "",
    "The following tests FAILED:",
    "\t  2 - parser.handles empty input (Failed)",
    "Errors while running CTest",
  ].join("\n");
  assert.deepEqual(parseCtestOutput(listOnly), [
    { kind: "test", test: "parser.handles empty input", message: "Failed" },
  ]);
});

test("GoogleTest's `file:line: Failure` takes the line after it as the message", () => {
  const gtest = [
    "1/1 Test #1: MathTest.Adds .....................***Failed    0.01 sec",
    "[ RUN      ] MathTest.Adds",
    "/src/test/math_test.cc:12: Failure",
    "Expected equality of these values:",
    "  add(2, 2)",
    "    Which is: 0",
  ].join("\n");
  const [finding] = parseCtestOutput(gtest);
  assert.deepEqual(
    [finding?.file, finding?.line, finding?.message],
    ["/src/test/math_test.cc", 12, "Failure Expected equality of these values:"],
  );
});
