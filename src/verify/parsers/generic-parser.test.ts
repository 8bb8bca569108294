// The generic fallback on output captured from real commands: error lines and the tail, no
// package-manager chatter.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { captureOutput, makeProject, missingProgram, removeProject } from "../verify-fixtures.ts";
import { parseGenericOutput } from "./generic-parser.ts";

// One stream only: stdout and stderr arrive through two pipes, so their interleaving (and so what the
// tail holds) would depend on scheduling.
const noisyBuild = [
  "for (let i = 1; i <= 60; i++) console.log('compiling module ' + i);",
  'console.log("error: module 17 cannot import ./missing.js");',
  "for (let i = 61; i <= 80; i++) console.log('compiling module ' + i);",
  'console.log("build failed with 1 error");',
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

const misleadingBuild = [
  'console.log("✔ does not ignore errors (2ms)");',
  'console.log("✓ reports a failure as failed");',
  'console.log("cc -Werror -Wall -o app main.c");',
  'console.log("main.c:7:1: warning: control reaches end of non-void function");',
  "console.log(\"main.c:3:5: error: expected ';' before 'return'\");",
  "for (let i = 1; i <= 20; i++) console.log('linking step ' + i);",
  "process.exit(1);",
].join("\n");

test("generic parser takes diagnostic lines only, errors before warnings, never a passing line or a flag", async () => {
  const project = await makeProject({ "build.mjs": misleadingBuild });
  try {
    const output = await captureOutput(project, "node", ["build.mjs"]);
    const findings = parseGenericOutput(output, 1);
    const diagnostics = findings.slice(0, -1);
    assert.deepEqual(
      diagnostics.map(({ message, severity }) => ({ message, severity })),
      [
        { message: "main.c:3:5: error: expected ';' before 'return'", severity: undefined },
        { message: "main.c:7:1: warning: control reaches end of non-void function", severity: "warning" },
      ],
    );
    assert.equal(findings.at(-1)?.message, "linking step 20", "the tail comes last");
  } finally {
    await removeProject(project);
  }
});

test("generic parser: Error:, FAIL, ✖ and not ok at line start are errors; ok and PASS lines are not", () => {
  const output = [
    "ok 1 - error handling works",
    "PASS src/fail.test.js",
    "Error: ENOENT: no such file or directory, open 'config.json'",
    "FAIL src/add.test.js",
    "✖ adds (3ms)",
    "not ok 2 - subtracts",
    ...Array.from({ length: 12 }, (_, index) => `summary line ${index}`),
  ].join("\n");
  assert.deepEqual(
    parseGenericOutput(output, 1)
      .slice(0, -1)
      .map((finding) => finding.message),
    [
      "Error: ENOENT: no such file or directory, open 'config.json'",
      "FAIL src/add.test.js",
      "✖ adds (3ms)",
      "not ok 2 - subtracts",
    ],
  );
});
