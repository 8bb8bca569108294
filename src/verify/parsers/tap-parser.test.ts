// The TAP parser on TAP printed by the real tools here: Vitest (nested `{ }` blocks), Mocha (flat,
// indented error lines) and node's test runner (`# Subtest:`); tape's layout from a transcript.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { mochaFixture, vitestFixture, writeNodeFixture } from "../node/node-fixtures.ts";
import { captureOutput, makeProject, nestedTestFile, removeProject } from "../verify-fixtures.ts";
import { parseTapOutput } from "./tap-parser.ts";

const roots: string[] = [];
let vitestTap = "";
let mochaTap = "";
let nodeTap = "";

before(async () => {
  const [vitestRoot, mochaRoot, nodeRoot] = await Promise.all([
    writeNodeFixture(vitestFixture()),
    writeNodeFixture(mochaFixture()),
    makeProject({ "package.json": '{ "type": "module" }\n', "test/nested.test.js": nestedTestFile }),
  ]);
  roots.push(vitestRoot, mochaRoot, nodeRoot);
  vitestTap = await captureOutput(vitestRoot, "node_modules/.bin/vitest", ["run", "--reporter=tap"]);
  mochaTap = await captureOutput(mochaRoot, "node_modules/.bin/mocha", ["--reporter", "tap"]);
  nodeTap = await captureOutput(nodeRoot, "node", ["--test", "--test-reporter=tap"]);
});

after(() => Promise.all(roots.map(removeProject)));

function byName(findings: Finding[], name: string): Finding {
  const found = findings.find((finding) => finding.test === name);
  assert.ok(found, `no "${name}" in ${JSON.stringify(findings.map((finding) => finding.test))}`);
  return found;
}

test("tap parser reads Vitest's nested blocks: suites joined, the file block as the file", () => {
  const findings = parseTapOutput(vitestTap);
  const subtracts = byName(findings, "math > subtracts numbers");
  assert.ok(subtracts.file?.endsWith("test/math.test.js"), subtracts.file);
  assert.equal(subtracts.line, 7);
  assert.equal(subtracts.context, "expected: 3\nactual:   1");
  assert.equal(
    byName(findings, "math > nested > multiplies").line,
    11,
    "a block that is not YAML still gives its place",
  );
  assert.equal(byName(findings, "top level throws").message, "TypeError: boom went the test");
  assert.match(byName(findings, "test/broken.test.js").message, /Failed to parse source/);
  assert.equal(findings.length, 4, "a suite whose children failed is not reported itself");
});

test("tap parser reads Mocha's flat TAP with the error lines under each result", () => {
  const findings = parseTapOutput(mochaTap);
  const subtracts = byName(findings, "math subtracts numbers");
  assert.equal(subtracts.message, "Expected values to be strictly equal: 1 !== 3");
  assert.equal(subtracts.line, 7);
  assert.equal(byName(findings, "top level throws").message, "TypeError: boom went the test");
  assert.equal(byName(findings, 'hooked "before all" hook for "never runs"').message, "Error: hook broke");
  assert.equal(findings.length, 4);
});

test("tap parser hands node's TAP (with # Subtest:) to the node reader", () => {
  const [finding, ...rest] = parseTapOutput(nodeTap);
  assert.equal(rest.length, 0);
  assert.equal(finding?.test, "slugify > with accents > strips diacritics");
  assert.equal(finding?.line, 6);
});

// tape is not installed on this machine, so its layout comes from a transcript of `node test.js`
// with tape 5: `# name` comments group the assertions of one test.
const tapeTranscript = [
  "TAP version 13",
  "# adds numbers",
  "ok 1 should be strictly equal",
  "# subtracts numbers",
  "not ok 2 should be strictly equal",
  "  ---",
  "    operator: equal",
  "    expected: 3",
  "    actual:   1",
  "    at: Test.<anonymous> (/work/calc/test/math.js:9:5)",
  "    stack: |-",
  "      Error: should be strictly equal",
  "          at Test.assert [as _assert] (/work/calc/node_modules/tape/lib/test.js:492:48)",
  "          at Test.<anonymous> (/work/calc/test/math.js:9:5)",
  "  ...",
  "not ok 3 should be truthy",
  "  ---",
  "    operator: ok",
  "    expected: true",
  "    actual:   false",
  "    at: Test.<anonymous> (/work/calc/test/math.js:10:5)",
  "  ...",
  "",
  "1..3",
  "# tests 3",
  "# pass  1",
  "# fail  2",
  "",
].join("\n");

test("tap parser names a tape failure by its test, with the first failing assertion", () => {
  const findings = parseTapOutput(tapeTranscript);
  assert.equal(findings.length, 1, "two failing assertions of one test are one failing test");
  const [finding] = findings;
  assert.equal(finding?.test, "subtracts numbers");
  assert.equal(finding?.message, "should be strictly equal");
  assert.equal(finding?.context, "expected: 3\nactual:   1");
  assert.deepEqual([finding?.file, finding?.line], ["/work/calc/test/math.js", 9]);
});

test("tap parser skips todo and skipped results", () => {
  const text =
    "TAP version 13\nnot ok 1 - later # TODO not built yet\nok 2 - off # SKIP\nnot ok 3 - real\n1..3\n";
  assert.deepEqual(
    parseTapOutput(text).map((finding) => finding.test),
    ["real"],
  );
});
