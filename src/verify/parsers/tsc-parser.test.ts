// The tsc parser on output captured from the real TypeScript compiler, plain and --pretty.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { captureOutput, linkTypescript, makeProject, removeProject } from "../verify-fixtures.ts";
import { stripAnsi } from "./output-text.ts";
import { parseTscOutput } from "./tsc-parser.ts";

let root = "";

before(async () => {
  root = await makeProject({
    "tsconfig.json": JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext" },
      include: ["src"],
    }),
    "tsconfig.empty.json": JSON.stringify({ include: ["no-such-dir"] }),
    "tsconfig.ok.json": JSON.stringify({ compilerOptions: { strict: true }, files: ["src/ok.ts"] }),
    "src/a.ts":
      'export const count: number = "three";\n\nexport function size(text: string): number {\n  return text.lenght;\n}\n',
    "src/ok.ts": "export const fine = 1;\n",
  });
  await linkTypescript(root);
});

after(() => removeProject(root));

const tsc = "node_modules/.bin/tsc";

test("tsc parser reads file, line, column and code of each error in plain output", async () => {
  const output = await captureOutput(root, tsc, ["--noEmit"]);
  const findings = parseTscOutput(output);
  assert.deepEqual(
    findings.map(({ file, line, column, rule, kind }) => ({ file, line, column, rule, kind })),
    [
      { file: "src/a.ts", line: 1, column: 14, rule: "TS2322", kind: "type" },
      { file: "src/a.ts", line: 4, column: 15, rule: "TS2551", kind: "type" },
    ],
  );
  assert.match(findings[1]!.message, /Did you mean 'length'/);
});

test("tsc parser reads the --pretty form and keeps its code frame as context", async () => {
  const output = await captureOutput(root, tsc, ["--noEmit", "--pretty"]);
  assert.match(stripAnsi(output), / - error TS2322/, "the compiler printed the pretty form");
  const findings = parseTscOutput(output);
  assert.deepEqual(
    findings.map(({ file, line, rule }) => ({ file, line, rule })),
    [
      { file: "src/a.ts", line: 1, rule: "TS2322" },
      { file: "src/a.ts", line: 4, rule: "TS2551" },
    ],
  );
  assert.match(findings[0]!.context ?? "", /export const count: number = "three";/);
  assert.ok(!(findings[0]!.context ?? "").includes("\u001b["), "colour codes are removed");
});

test("tsc parser reports an error without a file, such as a config with no inputs", async () => {
  const output = await captureOutput(root, tsc, ["--noEmit", "-p", "tsconfig.empty.json"]);
  const [finding, ...rest] = parseTscOutput(output);
  assert.equal(rest.length, 0);
  assert.equal(finding?.rule, "TS18003");
  assert.equal(finding?.file, undefined);
});

test("tsc parser finds nothing when the project compiles", async () => {
  const output = await captureOutput(root, tsc, ["--noEmit", "-p", "tsconfig.ok.json"]);
  assert.deepEqual(parseTscOutput(output), []);
});
