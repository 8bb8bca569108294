// The node-tap parser on recorded real output (fixtures/node-tap/): the same two test files under
// tap 16, 18 and 21 (TAP) and tap 21's base reporter give the same five failing assertions.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { parseNodeTapOutput, splitDirective } from "./node-tap-parser.ts";

const fixture = (name: string): Promise<string> =>
  readFile(path.join(import.meta.dirname, "fixtures/node-tap", name), "utf8");

/** The five failing assertions of math.test.js and other.test.js, as every node-tap version reports them. */
const expected = [
  ["adds > one plus one", "test/math.test.js", 3, "one plus one: expected 3, actual 2"],
  ["objects > should be equivalent", "test/math.test.js", 7, "should be equivalent"],
  ["objects > nested > deep failure", "test/math.test.js", 9, "deep failure"],
  ["throws > boom inside", "test/math.test.js", 13, "boom inside"],
  ["greets", "test/other.test.js", 2, 'greets: expected /bye/, actual "hello world"'],
];

const shape = (findings: Finding[]): unknown[] =>
  findings.map(({ test: name, file, line, message }) => [
    name?.replace(/^test\/\w+\.test\.js > /, ""),
    file,
    line,
    message,
  ]);

for (const [version, file] of [
  ["16", "tap16-tap.txt"],
  ["18", "tap18-tap.txt"],
  ["21", "tap21-tap.txt"],
] as const) {
  test(`tap ${version}'s TAP: the failing assertions only, with file:line, message and the diff`, async () => {
    const findings = parseNodeTapOutput(await fixture(file));
    assert.deepEqual(shape(findings), expected);
    assert.ok(findings.every((finding) => finding.kind === "test" && !finding.test?.includes("# time=")));
    assert.ok(
      findings[0]!.test!.startsWith("test/math.test.js > "),
      "the file is the first part of the name",
    );
    assert.match(findings[1]!.context ?? "", /^-\s+3,\n\+\s+2,$/m, "a structural diff is the context");
  });
}

test("tap 21's base reporter (no TAP): the same failures, each once although progress repeats them", async () => {
  const findings = parseNodeTapOutput(await fixture("tap21-base.txt"));
  assert.deepEqual(shape(findings), expected);
});

test("a test file that exits without a failing assertion is one finding saying how it ended", async () => {
  const findings = parseNodeTapOutput(await fixture("tap21-crash.txt"));
  assert.deepEqual(findings, [
    { kind: "test", test: "test/crash.test.js", message: "test/crash.test.js: exited with code 3" },
  ]);
});

for (const [version, file, root] of [
  ["16", "tap16-broken.txt", "/tmp/h4-tap16"],
  ["21", "tap21-broken.txt", "/tmp/h4-js"],
] as const) {
  test(`tap ${version}: a test file that does not load is named with node's error and its file:line`, async () => {
    const findings = parseNodeTapOutput(await fixture(file));
    assert.deepEqual(findings, [
      {
        kind: "test",
        test: "t2/broken.test.js",
        message: "SyntaxError: missing ) after argument list",
        file: `${root}/t2/broken.test.js`,
        line: 2,
        context: "t.pass('x'\n       ^^^",
      },
    ]);
  });
}

test("a subtest name keeps an escaped # and loses the time directive; todo and skip never fail", () => {
  assert.deepEqual(splitDirective("passes \\# with hash # time=0.451ms"), {
    name: "passes # with hash",
    directive: "time=0.451ms",
  });
  const output = [
    "TAP version 14",
    "# Subtest: test/a.js",
    "    not ok 1 - later # TODO not yet",
    "    not ok 2 - flaky # SKIP on CI",
    "    ok 3 - fine",
    "    1..3",
    "ok 1 - test/a.js # time=5ms",
  ].join("\n");
  assert.deepEqual(parseNodeTapOutput(output), []);
});
