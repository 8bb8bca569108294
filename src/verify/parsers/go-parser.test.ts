// The go and go-vet parsers on output the fixtures do not produce: a test timeout and a parent
// test with its own log (captured from Go 1.19), Go 1.21's -fullpath paths and timeout listing,
// type errors with detail lines, and errors of the go command itself. The planted fixtures in
// src/verify/go/go-verify.test.ts cover the rest on the real go command.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGoOutput } from "./go-parser.ts";
import { parseGoVetOutput } from "./go-vet-parser.ts";

/** go test -timeout 1s with Go 1.19: no --- FAIL line, only the panic and the goroutines. */
const timeoutOutput = `panic: test timed out after 1s

goroutine 5 [running]:
testing.(*M).startAlarm.func1()
	/usr/lib/go-1.19/src/testing/testing.go:2036 +0x8e
created by time.goFunc
	/usr/lib/go-1.19/src/time/sleep.go:176 +0x32

goroutine 18 [sleep]:
time.Sleep(0xb2d05e00)
	/usr/lib/go-1.19/src/runtime/time.go:195 +0x135
example.com/fixture/calc.TestSlow(0x0?)
	/tmp/gto/calc/calc_test.go:9 +0x1e
testing.tRunner(0xc000096680, 0x52f340)
	/usr/lib/go-1.19/src/testing/testing.go:1446 +0x10b
created by testing.(*T).Run
	/usr/lib/go-1.19/src/testing/testing.go:1493 +0x35f
FAIL	example.com/fixture/calc	1.052s
FAIL
`;

test("a timed-out test is named from its goroutine, with the line it was stuck on", () => {
  assert.deepEqual(parseGoOutput(timeoutOutput), [
    {
      kind: "test",
      test: "example.com/fixture/calc.TestSlow",
      message: "panic: test timed out after 1s",
      file: "/tmp/gto/calc/calc_test.go",
      line: 9,
      context: "at example.com/fixture/calc.TestSlow",
    },
  ]);
});

test("Go 1.21's timeout lists the running tests; they are kept as context", () => {
  const output = timeoutOutput.replace(
    "panic: test timed out after 1s\n",
    "panic: test timed out after 1s\nrunning tests:\n\tTestSlow (1s)\n",
  );
  assert.equal(
    parseGoOutput(output)[0]?.context,
    "running tests:\n  TestSlow (1s)\nat example.com/fixture/calc.TestSlow",
  );
});

test("a parent test that logged is reported beside its failing subtest", () => {
  const output = [
    "--- FAIL: TestParent (0.00s)",
    "    calc_test.go:13: parent says hi",
    "    calc_test.go:14: parent failed too",
    "    --- FAIL: TestParent/child (0.00s)",
    "        calc_test.go:15: child failed",
    "FAIL",
    "FAIL\texample.com/fixture/calc\t0.021s",
    "FAIL",
  ].join("\n");
  assert.deepEqual(
    parseGoOutput(output).map(({ test, message, context }) => ({ test, message, context })),
    [
      {
        test: "example.com/fixture/calc.TestParent",
        message: "calc_test.go:13: parent says hi",
        context: "calc_test.go:14: parent failed too",
      },
      {
        test: "example.com/fixture/calc.TestParent/child",
        message: "calc_test.go:15: child failed",
        context: undefined,
      },
    ],
  );
});

test("with -fullpath (Go 1.21+) a test's log line gives its file and line; each package names its own tests", () => {
  const output = [
    "--- FAIL: TestSubtract (0.00s)",
    "    /work/repo/calc/calc_test.go:13: Subtract(3, 2) = 5, want 1",
    "FAIL",
    "FAIL\texample.com/repo/calc\t0.002s",
    "--- FAIL: TestReverse (0.00s)",
    '    /work/repo/text/text_test.go:8: Reverse("ab") = "ab"',
    "FAIL",
    "FAIL\texample.com/repo/text\t0.002s",
    "ok  \texample.com/repo/other\t0.001s",
    "FAIL",
  ].join("\n");
  assert.deepEqual(
    parseGoOutput(output).map(({ test, file, line, message }) => ({ test, file, line, message })),
    [
      {
        test: "example.com/repo/calc.TestSubtract",
        file: "/work/repo/calc/calc_test.go",
        line: 13,
        message: "Subtract(3, 2) = 5, want 1",
      },
      {
        test: "example.com/repo/text.TestReverse",
        file: "/work/repo/text/text_test.go",
        line: 8,
        message: 'Reverse("ab") = "ab"',
      },
    ],
  );
});

test("a type error keeps its have/want lines; a package whose tests do not build has no test findings", () => {
  const output = [
    "# example.com/repo/calc [example.com/repo/calc.test]",
    "calc/calc_test.go:7:14: not enough arguments in call to Add",
    "\thave (number)",
    "\twant (int, int)",
    "FAIL\texample.com/repo/calc [build failed]",
    "FAIL",
  ].join("\n");
  assert.deepEqual(parseGoOutput(output), [
    {
      kind: "compile",
      file: "calc/calc_test.go",
      line: 7,
      column: 14,
      message: "not enough arguments in call to Add",
      context: "have (number)\nwant (int, int)",
    },
  ]);
});

test("errors of the go command itself are build findings; download progress is not", () => {
  const output = [
    "go: downloading github.com/google/go-cmp v0.6.0",
    "go: updates to go.mod needed; to update it:",
    "\tgo mod tidy",
  ].join("\n");
  assert.deepEqual(parseGoOutput(output), [
    { kind: "build", message: "updates to go.mod needed; to update it:", context: "go mod tidy" },
  ]);
});

test("go vet: analyzer reports are lint findings, `vet:` type errors are compile findings", () => {
  const output = [
    "# example.com/repo/calc",
    "calc/format.go:6:9: fmt.Sprintf format %s reads arg #2, but call has 1 arg",
    "# example.com/repo/text",
    'vet: text/text.go:4:14: cannot use "oops" (untyped string constant) as int value in variable declaration',
  ].join("\n");
  assert.deepEqual(
    parseGoVetOutput(output).map(({ kind, file, line }) => ({ kind, file, line })),
    [
      { kind: "lint", file: "calc/format.go", line: 6 },
      { kind: "compile", file: "text/text.go", line: 4 },
    ],
  );
});
