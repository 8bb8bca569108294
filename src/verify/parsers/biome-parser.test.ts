// The Biome parser on output captured from the real Biome: the github reporter Slipway asks for,
// the default reporter a lint script prints, formatting differences, and a clean run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { linkNodeTool } from "../node/node-fixtures.ts";
import { captureOutput, makeProject, removeProject } from "../verify-fixtures.ts";
import { parseBiomeOutput } from "./biome-parser.ts";

const biome = "node_modules/.bin/biome";
let root = "";
let github = "";
let human = "";
let warningsOnly = "";
let clean = "";

before(async () => {
  root = await makeProject({
    "biome.json": '{ "formatter": { "indentStyle": "space" } }\n',
    "src/same.js": "export function same(a, b) {\n  return a == b;\n}\n",
    "src/messy.js": "export const messy   =   1\n",
    "warn/any.ts": "export const x: any = 1;\n",
    "clean/ok.js": "export const ok = 1;\n",
  });
  await linkNodeTool(root, "biome");
  github = await captureOutput(root, biome, ["check", "--reporter=github", "src"]);
  human = await captureOutput(root, biome, ["check", "src"]);
  warningsOnly = await captureOutput(root, biome, ["lint", "--reporter=github", "warn"]);
  clean = await captureOutput(root, biome, ["check", "clean"]);
});

after(() => removeProject(root));

const brief = (output: string) =>
  parseBiomeOutput(output)
    .map(({ file, line, rule }) => ({ file: file?.replace(`${root}/`, ""), line, rule }))
    .sort((a, b) => `${a.file}${a.rule}`.localeCompare(`${b.file}${b.rule}`));

const expected = [
  { file: "src/messy.js", line: undefined, rule: "format" },
  { file: "src/same.js", line: 2, rule: "lint/suspicious/noDoubleEquals" },
];

test("biome parser reads the github reporter: rule, file and line of each error", () => {
  assert.deepEqual(brief(github), expected);
  const lint = parseBiomeOutput(github).find((finding) => finding.rule === "lint/suspicious/noDoubleEquals");
  assert.equal(lint?.message, "Using == may be unsafe if you are relying on type coercion.");
  assert.equal(lint?.column, 12);
});

test("biome parser reads the default reporter to the same findings, with the code frame", () => {
  assert.deepEqual(brief(human), expected);
  const lint = parseBiomeOutput(human).find((finding) => finding.rule === "lint/suspicious/noDoubleEquals");
  assert.match(lint?.context ?? "", /> 2 │ {3}return a == b;/);
});

test("biome parser says how to fix a formatting difference", () => {
  const format = parseBiomeOutput(github).find((finding) => finding.rule === "format");
  assert.match(format?.message ?? "", /biome format --write/);
});

test("biome parser reports warnings when they are all there is", () => {
  assert.deepEqual(brief(warningsOnly), [
    { file: "warn/any.ts", line: 1, rule: "lint/suspicious/noExplicitAny" },
  ]);
});

test("biome parser finds nothing in a clean run", () => {
  assert.deepEqual(parseBiomeOutput(clean), []);
});
