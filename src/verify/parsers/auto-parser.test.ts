// The `auto` parser: tools recognised from their output. A real nested `npm run` chain runs tsc and
// node's test runner; real Biome and recorded outputs of node-tap, AVA, Clang, CTest and task runners
// (turbo, pnpm -r, run-s, concurrently) are each recognised alone.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { inferParser } from "../infer-parser.ts";
import { linkNodeTool } from "../node/node-fixtures.ts";
import { runVerifiers, toVerifierResult } from "../run-verifiers.ts";
import type { VerificationReport } from "../verifier.ts";
import {
  captureOutput,
  linkTypescript,
  makeProject,
  removeProject,
  sandboxFor,
  simpleTestFile,
} from "../verify-fixtures.ts";
import { parseRecognisedOutput, recogniseParsers } from "./auto-parser.ts";
import { splitLabelledOutput } from "./prefixed-output.ts";

const fixture = (name: string): Promise<string> =>
  readFile(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("a check whose script hands the work to other scripts", () => {
  const scripts = { check: "npm run types; npm run unit", types: "tsc --noEmit -p .", unit: "node --test" };
  let root = "";
  let report: VerificationReport;
  before(async () => {
    root = await makeProject({
      "package.json": JSON.stringify({ name: "chain", version: "1.0.0", scripts }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ["src"] }),
      "src/count.ts": "export const count: number = 'three';\n",
      "test/math.test.mjs": simpleTestFile,
    });
    await linkTypescript(root);
    const parser = inferParser(scripts.check);
    const command = { name: "check", command: "npm", args: ["run", "check"], cwd: ".", parser };
    const sandbox = await sandboxFor(root);
    try {
      report = await runVerifiers(
        sandbox,
        [{ ...command, speeds: ["full"], timeoutMs: 60_000 }],
        "full",
        AbortSignal.timeout(60_000),
      );
    } finally {
      await sandbox.dispose();
    }
  });
  after(() => removeProject(root));

  test("is read by auto, which finds both the type error and the failing test, with their places", () => {
    assert.equal(inferParser(scripts.check), "auto");
    const [result] = report.results;
    assert.equal(result?.unparsed, false);
    const shown = result!.findings.map(({ kind, file, line, rule, test: name }) => ({
      kind,
      file,
      line,
      rule,
      test: name,
    }));
    assert.deepEqual(shown, [
      { kind: "type", file: "src/count.ts", line: 1, rule: "TS2322", test: undefined },
      { kind: "test", file: "test/math.test.mjs", line: 5, rule: undefined, test: "subtracts numbers" },
    ]);
  });
});

test("each recorded runner's output is recognised as that runner only", async () => {
  assert.deepEqual(recogniseParsers(await fixture("node-tap/tap16-tap.txt")), ["node-tap"]);
  assert.deepEqual(recogniseParsers(await fixture("node-tap/tap21-tap.txt")), ["node-tap"]);
  assert.deepEqual(recogniseParsers(await fixture("node-tap/tap21-base.txt")), ["node-tap"]);
  assert.deepEqual(recogniseParsers(await fixture("ava/ava6-default.txt")), ["ava"]);
  assert.deepEqual(recogniseParsers(await fixture("c/clang14-compile-and-link.txt")), ["gcc"]);
  assert.deepEqual(recogniseParsers(await fixture("c/ctest-j2-output-on-failure.txt")), ["ctest"]);
});

test("tools are listed in the order they printed; CMake's parser covers the compiler it ran", async () => {
  const ctest = await fixture("c/ctest-j2-output-on-failure.txt");
  const compile = "src/a.c:3:5: error: 'x' undeclared (first use in this function)\n";
  assert.deepEqual(recogniseParsers(`${compile}${ctest}`), ["gcc", "ctest"]);
  assert.deepEqual(
    recogniseParsers(`CMake Error at CMakeLists.txt:3 (add_executable):\n  boom\n${compile}`),
    ["cmake"],
  );
  const findings = parseRecognisedOutput(`${compile}${ctest}`, 8);
  assert.equal(findings[0]?.file, "src/a.c");
  assert.equal(findings.filter((finding) => finding.kind === "test").length, 5);
});

test("output no tool signs is no finding from auto, so the check falls back to the generic tail", () => {
  const output = "building...\nsomething odd happened\nstep 3 of 4 did not finish\n";
  assert.deepEqual(parseRecognisedOutput(output, 1), []);
  const command = {
    name: "x",
    command: "make",
    args: ["x"],
    cwd: ".",
    parser: "auto",
    speeds: [],
    timeoutMs: 1,
  };
  const result = toVerifierResult(
    command,
    { exitCode: 1, signal: null, output, timedOut: false, truncated: false, durationMs: 5 },
    ["/nowhere"],
  );
  assert.equal(result.unparsed, true);
  assert.equal(result.findings.at(-1)?.message, "step 3 of 4 did not finish");
});

// Hostile output must not stall the gate: before the signatures avoided `^\s*`, a long run of blank
// lines made them quadratic (minutes for a few MiB). The time limit only bounds a hang.
test("megabytes of blank lines are read in linear time; TAP diagnostics that never close hide nothing", {
  timeout: 30_000,
}, () => {
  assert.deepEqual(recogniseParsers(" \n".repeat(1_500_000)), []);
  const results = Array.from(
    { length: 5_000 },
    (_, index) => `not ok ${index} - case ${index} # time=1ms\n  ---\n  at: x\n`,
  );
  const unclosed = `TAP version 14\n${results.join("")}`;
  assert.deepEqual(recogniseParsers(unclosed), ["node-tap"]);
  // A block that never closes is no block: it does not swallow the failures after it.
  assert.equal(parseRecognisedOutput(unclosed, 1).length, 5_000);
});

describe("task runners that label and interleave their scripts' lines", () => {
  const runners = [
    ["turbo", "wrappers/turbo2-run-test.txt"],
    ["pnpm -r", "wrappers/pnpm9-recursive-test.txt"],
    ["run-s --print-label", "wrappers/run-s-print-label.txt"],
    ["concurrently", "wrappers/concurrently.txt"],
  ] as const;
  for (const [runner, file] of runners) {
    test(`${runner}: each package's failing test, with its file from the repository's root`, async () => {
      const output = await fixture(file);
      const command = {
        name: "test",
        command: "npm",
        args: ["test"],
        cwd: ".",
        parser: "auto",
        speeds: [],
        timeoutMs: 1,
      };
      const execution = {
        exitCode: 1,
        signal: null,
        output,
        timedOut: false,
        truncated: false,
        durationMs: 5,
      };
      // The recording's monorepo lay at /tmp/h4-mono (fixtures/wrappers/README.md).
      const result = toVerifierResult(command, execution, ["/tmp/h4-mono"]);
      const found = result.findings.map(({ test: name, file, line }) => [name, file, line]);
      assert.deepEqual(
        found.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        [
          ["adds", "packages/core/test/math.test.mjs", 4],
          ["renders label", "packages/ui/test/button.test.mjs", 3],
        ],
      );
    });
  }

  test("other tools' output is never taken for labelled lines", async () => {
    for (const file of [
      "node-tap/tap21-tap.txt",
      "ava/ava6-default.txt",
      "c/clang14-compile-and-link.txt",
      "c/ctest-j2-output-on-failure.txt",
    ]) {
      assert.equal(splitLabelledOutput(await fixture(file)), undefined, file);
    }
  });

  test("pnpm names the directory: a relative file with no absolute spelling is joined to it", () => {
    const output = [
      "packages/api test: src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      "packages/api test: Found 1 error.",
    ].join("\n");
    const [finding] = parseRecognisedOutput(output, 2);
    assert.deepEqual([finding?.file, finding?.line, finding?.rule], ["packages/api/src/a.ts", 3, "TS2322"]);
  });
});

test("Biome's own output is recognised as Biome alone (its `Found 3 errors.` is not ruff's)", async () => {
  const root = await makeProject({
    "biome.json": "{}\n",
    "x.ts": "export const a = 1 == 2;\nlet   b=3\nexport { b }\n",
  });
  try {
    await linkNodeTool(root, "biome");
    const output = await captureOutput(root, "node_modules/.bin/biome", ["check", "."]);
    assert.match(output, /^Found \d+ errors\.$/m);
    assert.deepEqual(recogniseParsers(output), ["biome"]);
    const rules = parseRecognisedOutput(output, 1).map((finding) => finding.rule);
    assert.ok(rules.includes("lint/suspicious/noDoubleEquals") && rules.includes("format"), String(rules));
  } finally {
    await removeProject(root);
  }
});

test("go build's compiler errors are recognised as Go's (recorded from go 1.19)", () => {
  const output = [
    "# ex.com/g",
    './g.go:2:23: cannot use "s" (untyped string constant) as int value in return statement',
  ].join("\n");
  assert.deepEqual(recogniseParsers(output), ["go"]);
  const [finding] = parseRecognisedOutput(output, 1);
  assert.deepEqual([finding?.file, finding?.line], ["./g.go", 2]);
});
