// The Jest parser on output captured from the real Jest: failing tests in nested describes, a test
// file that does not parse, and a passing run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { jestFixture, writeNodeFixture } from "../node/node-fixtures.ts";
import { captureOutput, removeProject } from "../verify-fixtures.ts";
import { parseJestOutput } from "./jest-parser.ts";

const jest = "node_modules/.bin/jest";
let root = "";
let failing = "";
let passing = "";

before(async () => {
  root = await writeNodeFixture(jestFixture());
  failing = await captureOutput(root, jest, []);
  passing = await captureOutput(root, jest, ["test/ok.test.js"]);
});

after(() => removeProject(root));

function byName(findings: Finding[], name: string): Finding {
  const found = findings.find((finding) => finding.test === name);
  assert.ok(found, `no "${name}" in ${JSON.stringify(findings.map((finding) => finding.test))}`);
  return found;
}

test("jest parser names each failing test by its describe blocks, at the assertion's line", () => {
  const findings = parseJestOutput(failing);
  const subtracts = byName(findings, "math > subtracts numbers");
  assert.deepEqual([subtracts.file, subtracts.line, subtracts.column], ["test/math.test.js", 7, 19]);
  assert.equal(subtracts.message, "expect(received).toBe(expected) // Object.is equality");
  assert.equal(subtracts.context, "Expected: 3\nReceived: 1");
  assert.equal(byName(findings, "math > nested > multiplies").line, 11);
  const thrown = byName(findings, "top level throws");
  assert.deepEqual([thrown.message, thrown.line], ["TypeError: boom went the test", 16]);
  assert.equal(findings.length, 4, "passing tests and files are not reported");
});

test("jest parser reports a file that fails to run with the syntax error, not Jest's advice", () => {
  const broken = byName(parseJestOutput(failing), "test/broken.test.js");
  assert.deepEqual([broken.file, broken.line], ["test/broken.test.js", 1]);
  assert.equal(broken.message, "SyntaxError: Missing semicolon. (1:4)");
});

test("jest parser finds nothing in a passing run", () => {
  assert.match(passing, /Tests:\s+1 passed/);
  assert.deepEqual(parseJestOutput(passing), []);
});
