// The Mocha parser on output captured from the real Mocha: the spec reporter's multi-line titles,
// a failing hook, a file that does not load, the TAP reporter, and a passing run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { mochaFixture, writeNodeFixture } from "../node/node-fixtures.ts";
import { captureOutput, removeProject, writeFiles } from "../verify-fixtures.ts";
import { parseMochaOutput } from "./mocha-parser.ts";

const mocha = "node_modules/.bin/mocha";
let root = "";
let spec = "";
let tap = "";
let passing = "";
let notLoaded = "";

before(async () => {
  root = await writeNodeFixture(mochaFixture());
  spec = await captureOutput(root, mocha, []);
  tap = await captureOutput(root, mocha, ["--reporter", "tap"]);
  passing = await captureOutput(root, mocha, ["--grep", "adds numbers"]);
  await writeFiles(root, { "broken/broken.spec.js": "this is ( not javascript\n" });
  notLoaded = await captureOutput(root, mocha, ["broken/broken.spec.js"]);
});

after(() => removeProject(root));

function byName(findings: Finding[], name: string): Finding {
  const found = findings.find((finding) => finding.test === name);
  assert.ok(found, `no "${name}" in ${JSON.stringify(findings.map((finding) => finding.test))}`);
  return found;
}

test("mocha parser joins a title spread over lines into suites > test, at the assertion's line", () => {
  const findings = parseMochaOutput(spec);
  const subtracts = byName(findings, "math > subtracts numbers");
  assert.ok(subtracts.file?.endsWith("test/math.spec.js"), subtracts.file);
  assert.equal(subtracts.line, 7);
  assert.equal(subtracts.message, "Expected values to be strictly equal: 1 !== 3");
  const multiplies = byName(findings, "math > nested > multiplies");
  assert.match(multiplies.context ?? "", /^ {4}a: 1,$/m, "the diff keeps its indentation");
  assert.equal(byName(findings, "top level throws").message, "TypeError: boom went the test");
  assert.equal(findings.length, 4);
});

test("mocha parser reports a failing hook under its suite", () => {
  const hook = byName(parseMochaOutput(spec), 'hooked > "before all" hook for "never runs"');
  assert.equal(hook.message, "Error: hook broke");
  assert.ok(hook.file?.endsWith("test/hooked.spec.js"));
  assert.equal(hook.line, 2);
});

test("mocha parser reads the TAP reporter through the TAP reader", () => {
  const findings = parseMochaOutput(tap);
  assert.equal(byName(findings, "math subtracts numbers").line, 7);
  assert.equal(findings.length, 4);
});

test("mocha parser reports a spec file that does not load as a compile error in that file", () => {
  const [finding, ...rest] = parseMochaOutput(notLoaded);
  assert.equal(rest.length, 0);
  assert.equal(finding?.kind, "compile");
  assert.ok(finding?.file?.endsWith("broken/broken.spec.js"), finding?.file);
  assert.match(finding?.message ?? "", /^SyntaxError: /);
});

test("mocha parser finds nothing in a passing run", () => {
  assert.match(passing, /1 passing/);
  assert.deepEqual(parseMochaOutput(passing), []);
});
