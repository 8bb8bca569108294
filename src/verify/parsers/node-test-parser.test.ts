// The node-test parser on output captured from the real `node --test`, spec and TAP reporters.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import {
  captureOutput,
  makeProject,
  nestedTestFile,
  removeProject,
  simpleTestFile,
} from "../verify-fixtures.ts";
import { parseNodeTestOutput } from "./node-test-parser.ts";

const hookTestFile = [
  'import { before, describe, test } from "node:test";',
  'import assert from "node:assert/strict";',
  'describe("with hook", () => {',
  '  before(() => { throw new Error("hook broke"); });',
  '  test("never runs", () => {});',
  "});",
  'test("parent", async (t) => {',
  '  await t.test("child fails", () => assert.ok(false, "child said no"));',
  '  await t.test("child ok", () => {});',
  "});",
  "",
].join("\n");

let root = "";
let spec = "";
let tap = "";
let passing = "";

before(async () => {
  root = await makeProject({
    "package.json": '{ "type": "module" }\n',
    "test/simple.test.js": simpleTestFile,
    "test/nested.test.js": nestedTestFile,
    "test/hook.test.js": hookTestFile,
    "test/broken.test.js": "this is ( not javascript\n",
  });
  const files = ["test/simple.test.js", "test/nested.test.js", "test/hook.test.js", "test/broken.test.js"];
  spec = await captureOutput(root, "node", ["--test", "--test-concurrency=1", ...files]);
  tap = await captureOutput(root, "node", [
    "--test",
    "--test-concurrency=1",
    "--test-reporter=tap",
    ...files,
  ]);
  passing = await captureOutput(root, "node", ["--test", "--test-name-pattern=adds", "test/simple.test.js"]);
});

after(() => removeProject(root));

function byName(findings: Finding[], name: string): Finding {
  const found = findings.find((finding) => finding.test === name);
  assert.ok(found, `no finding for "${name}" in ${JSON.stringify(findings.map((finding) => finding.test))}`);
  return found;
}

for (const reporter of ["spec", "tap"] as const) {
  describe(`node-test parser, ${reporter} reporter`, () => {
    const output = (): string => (reporter === "spec" ? spec : tap);

    test("reports the failing test with its assertion line and the values that differ", () => {
      const finding = byName(parseNodeTestOutput(output()), "subtracts numbers");
      assert.equal(finding.kind, "test");
      assert.ok(finding.file?.endsWith("test/simple.test.js"), finding.file);
      assert.equal(finding.line, 5);
      assert.match(finding.message, /1 !== 3/);
    });

    test("does not report passing tests", () => {
      const names = parseNodeTestOutput(output()).map((finding) => finding.test);
      assert.ok(!names.includes("adds numbers"));
      assert.ok(!names.some((name) => name?.endsWith("keeps ascii")));
      assert.ok(!names.includes("parent"), "a test whose only failure is a subtest is not reported twice");
    });

    test("names a nested test by its describe blocks", () => {
      const finding = byName(parseNodeTestOutput(output()), "slugify > with accents > strips diacritics");
      assert.ok(finding.file?.endsWith("test/nested.test.js"));
      assert.equal(finding.line, 6);
      assert.equal(byName(parseNodeTestOutput(output()), "parent > child fails").message, "child said no");
    });

    test("reports a failing hook under its suite's name", () => {
      assert.match(byName(parseNodeTestOutput(output()), "with hook").message, /hook broke/);
    });

    test("reports a test file that does not load with the syntax error", () => {
      const finding = byName(parseNodeTestOutput(output()), "test/broken.test.js");
      assert.match(finding.message, /SyntaxError/);
      assert.ok(finding.file?.endsWith("test/broken.test.js"));
      assert.equal(finding.line, 1);
    });
  });
}

test("node-test parser finds nothing in the output of a passing run", () => {
  assert.match(passing, /pass 1/);
  assert.deepEqual(parseNodeTestOutput(passing), []);
});

test("node-test parser names failing tests from the spec tree when the failing section was cut off", () => {
  const cut = spec.slice(0, spec.indexOf("✖ failing tests:"));
  const names = parseNodeTestOutput(cut).map((finding) => finding.test);
  assert.ok(names.includes("subtracts numbers"));
  assert.ok(names.includes("slugify > with accents > strips diacritics"));
  assert.ok(!names.includes("with hook"), "a suite's closing line is not a test");
});
