// The generic fallback on output captured from real commands: error lines and the tail, no
// package-manager chatter.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { captureOutput, makeProject, missingProgram, removeProject } from "../verify-fixtures.ts";
import { parseGenericOutput } from "./generic-parser.ts";

const noisyBuild = [
  "for (let i = 1; i <= 60; i++) console.log('compiling module ' + i);",
  'console.error("error: module 17 cannot import ./missing.js");',
  "for (let i = 61; i <= 80; i++) console.log('compiling module ' + i);",
  'console.error("build failed with 1 error");',
  "process.exit(2);",
].join("\n");

let root = "";

before(async () => {
  root = await makeProject({
    "build.mjs": noisyBuild,
    "package.json": JSON.stringify({ scripts: { build: "node build.mjs" } }),
  });
});

after(() => removeProject(root));

test("generic parser keeps the error lines and the tail, not the whole log", async () => {
  const output = await captureOutput(root, "node", ["build.mjs"]);
  const findings = parseGenericOutput(output, 2);
  const shown = findings.flatMap((finding) => [finding.message, finding.context ?? ""]).join("\n");
  assert.match(shown, /error: module 17 cannot import/);
  assert.match(shown, /build failed with 1 error/);
  assert.doesNotMatch(shown, /compiling module 30\b/, "the middle of the log is left out");
  assert.equal(findings.at(-1)?.message, "build failed with 1 error");
  assert.ok(findings.every((finding) => finding.kind === "unknown"));
});

test("generic parser drops npm's own lines around a failed script", {
  skip: missingProgram("npm"),
}, async () => {
  const output = await captureOutput(root, "npm", ["run", "build"]);
  assert.match(output, /^> node build\.mjs$/m, "npm echoed the script");
  const shown = parseGenericOutput(output, 2)
    .flatMap((finding) => [finding.message, finding.context ?? ""])
    .join("\n");
  assert.doesNotMatch(shown, /npm error|^> /m);
  assert.match(shown, /build failed with 1 error/);
});

test("generic parser says there was no output when a command printed nothing", () => {
  assert.deepEqual(parseGenericOutput("", 1), [{ kind: "unknown", message: "no output (exit code 1)" }]);
});
