// The Vitest parser on output captured from the real Vitest: failing tests in nested suites, a
// test file that does not compile, an unhandled error, and a passing run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { vitestFixture, writeNodeFixture } from "../node/node-fixtures.ts";
import { captureOutput, removeProject, writeFiles } from "../verify-fixtures.ts";
import { parseVitestOutput } from "./vitest-parser.ts";

const vitest = "node_modules/.bin/vitest";
const leakingTest = [
  'import { expect, test } from "vitest";',
  'test("leaks a late error", () => {',
  '  setTimeout(() => { throw new Error("late failure"); }, 1);',
  "  expect(1).toBe(1);",
  "});",
  'test("waits", async () => { await new Promise((resolve) => setTimeout(resolve, 50)); });',
  "",
].join("\n");

let root = "";
let failing = "";
let passing = "";
let unhandled = "";

before(async () => {
  root = await writeNodeFixture(vitestFixture());
  await writeFiles(root, { "late/leak.test.js": leakingTest });
  failing = await captureOutput(root, vitest, ["run", "test"]);
  passing = await captureOutput(root, vitest, ["run", "test/math.test.js", "-t", "adds numbers"]);
  unhandled = await captureOutput(root, vitest, ["run", "late"]);
});

after(() => removeProject(root));

function byName(findings: Finding[], name: string): Finding {
  const found = findings.find((finding) => finding.test === name);
  assert.ok(found, `no "${name}" in ${JSON.stringify(findings.map((finding) => finding.test))}`);
  return found;
}

test("vitest parser names each failing test by its suites, at the assertion's line", () => {
  const findings = parseVitestOutput(failing);
  const subtracts = byName(findings, "math > subtracts numbers");
  assert.deepEqual([subtracts.file, subtracts.line, subtracts.kind], ["test/math.test.js", 7, "test"]);
  assert.equal(subtracts.message, "expected 1 to be 3 // Object.is equality");
  assert.match(subtracts.context ?? "", /- 3\n\+ 1/);
  assert.equal(byName(findings, "math > nested > multiplies").line, 11);
  assert.equal(byName(findings, "top level throws").message, "TypeError: boom went the test");
  assert.ok(!findings.some((finding) => finding.test === "math > adds numbers"));
});

test("vitest parser reports a test file that does not compile under its file name", () => {
  const broken = byName(parseVitestOutput(failing), "test/broken.test.js");
  assert.ok(broken.file?.endsWith("test/broken.test.js"), broken.file);
  assert.match(broken.message, /Failed to parse source/);
});

test("vitest parser reports an unhandled error with where it was thrown", () => {
  const [finding, ...rest] = parseVitestOutput(unhandled);
  assert.equal(rest.length, 0);
  assert.equal(finding?.kind, "unknown");
  assert.equal(finding?.message, "unhandled Error: late failure");
  assert.deepEqual([finding?.file, finding?.line], ["late/leak.test.js", 3]);
});

test("vitest parser reads failures wherever the totals printed on stdout fall among them", () => {
  const lines = failing.split("\n");
  const totals = lines.filter((line) => /^\s*(Test Files|Tests|Duration)\s{2}/.test(line));
  const others = lines.filter((line) => !totals.includes(line));
  const firstRule = others.findIndex((line) => /\[1\/\d+\]/.test(line));
  const moved = [...others.slice(0, firstRule), ...totals, ...others.slice(firstRule)].join("\n");
  assert.equal(parseVitestOutput(moved).length, parseVitestOutput(failing).length);
});

test("vitest parser finds nothing in a passing run", () => {
  assert.match(passing, /1 passed/);
  assert.deepEqual(parseVitestOutput(passing), []);
});
