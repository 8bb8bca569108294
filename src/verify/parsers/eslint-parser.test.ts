// The ESLint parser on output captured from the real ESLint: stylish (its default) and JSON, a file
// that does not parse, warnings when they are all there is, and a clean run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eslintFixture, writeNodeFixture } from "../node/node-fixtures.ts";
import { captureOutput, removeProject, writeFiles } from "../verify-fixtures.ts";
import { parseEslintOutput } from "./eslint-parser.ts";

const eslint = "node_modules/.bin/eslint";
let root = "";
let stylish = "";
let json = "";
let warningsOnly = "";
let clean = "";

before(async () => {
  root = await writeNodeFixture(eslintFixture());
  await writeFiles(root, {
    "bad/syntax.js": "export const x = (;\n",
    "warn/log.js": 'console.log("hi");\n',
    "clean/ok.js": "export const ok = 1;\n",
  });
  stylish = await captureOutput(root, eslint, ["src", "bad", "warn"]);
  json = await captureOutput(root, eslint, ["--format", "json", "src", "bad", "warn"]);
  warningsOnly = await captureOutput(root, eslint, ["--max-warnings", "0", "warn"]);
  clean = await captureOutput(root, eslint, ["clean"]);
});

after(() => removeProject(root));

const brief = (output: string) =>
  parseEslintOutput(output).map(({ kind, file, line, column, rule }) => ({
    kind,
    file: file?.slice(root.length + 1),
    line,
    column,
    rule,
  }));

const expected = [
  { kind: "lint", file: "src/same.js", line: 1, column: 7, rule: "no-unused-vars" },
  { kind: "lint", file: "src/same.js", line: 4, column: 12, rule: "eqeqeq" },
  { kind: "compile", file: "bad/syntax.js", line: 1, column: 19, rule: undefined },
];

test("eslint parser reads stylish output: each error's file, line, column and rule, warnings left out", () => {
  assert.deepEqual(
    brief(stylish).sort(
      (a, b) => (a.file ?? "").localeCompare(b.file ?? "") || (a.line ?? 0) - (b.line ?? 0),
    ),
    [...expected].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
  );
  const [unused] = parseEslintOutput(stylish).filter((finding) => finding.rule === "no-unused-vars");
  assert.equal(unused?.message, "'unused' is assigned a value but never used");
});

test("eslint parser reads --format json to the same findings", () => {
  const sort = (items: ReturnType<typeof brief>) =>
    items.sort((a, b) => (a.file ?? "").localeCompare(b.file ?? "") || (a.line ?? 0) - (b.line ?? 0));
  assert.deepEqual(sort(brief(json)), sort(brief(stylish)));
});

test("eslint parser reports warnings when a lint with --max-warnings 0 fails on them alone", () => {
  assert.deepEqual(
    brief(warningsOnly).map(({ file, line, rule }) => ({ file, line, rule })),
    [{ file: "warn/log.js", line: 1, rule: "no-console" }],
  );
});

test("eslint parser finds nothing in a clean run", () => {
  assert.deepEqual(parseEslintOutput(clean), []);
});
