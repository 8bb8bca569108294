// Detect-and-run on small real projects: node --test (spec and TAP), tsc, timeouts, speeds, and
// the summary the agent sees.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { Sandbox } from "../sandbox/sandbox.ts";
import { detectVerifiers } from "./detect.ts";
import { runVerifiers } from "./run-verifiers.ts";
import { summarizeReport } from "./summarize.ts";
import type { VerificationReport, VerifySpeed } from "./verifier.ts";
import {
  linkTypescript,
  makeProject,
  missingProgram,
  nestedTestFile,
  removeProject,
  sandboxFor,
  simpleTestFile,
} from "./verify-fixtures.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const needsNpm = { skip: missingProgram("npm") };

interface VerifyOptions {
  speed?: VerifySpeed;
  /** Runs after the files are written, before detection (e.g. link the compiler in). */
  prepare?: (root: string) => Promise<void>;
}

async function verify(
  files: Record<string, string>,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const root = await makeProject(files);
  await options.prepare?.(root);
  const sandbox: Sandbox = await sandboxFor(root);
  cleanups.push(
    () => sandbox.dispose(),
    () => removeProject(root),
  );
  const { commands } = await detectVerifiers(root);
  return runVerifiers(sandbox, commands, options.speed ?? "fast", AbortSignal.timeout(120_000));
}

const nodePackage = (testScript: string, extra: Record<string, string> = {}): string =>
  JSON.stringify({ name: "fixture", type: "module", scripts: { test: testScript, ...extra } });

for (const [reporter, script] of [
  ["spec", "node --test"],
  ["tap", "node --test --test-reporter=tap"],
] as const) {
  test(
    `a failing node:test test (${reporter} reporter) is named with file:line; the passing one is not listed`,
    needsNpm,
    async () => {
      const report = await verify({
        "package.json": nodePackage(script),
        "test/simple.test.js": simpleTestFile,
      });
      assert.equal(report.passed, false);
      const [result] = report.results;
      assert.equal(result?.name, "test");
      assert.equal(result?.unparsed, false);
      assert.match(report.summary, /^✗ test \(.*\): 1 failing test$/m);
      assert.match(report.summary, /test\/simple\.test\.js:5: subtracts numbers/);
      assert.match(report.summary, /1 !== 3/);
      assert.doesNotMatch(report.summary, /adds numbers/);
      assert.ok(report.summary.length < 1000, "the summary is short, not the log");
    },
  );
}

test("a failing test inside nested describe blocks is named with its suites", needsNpm, async () => {
  const report = await verify({
    "package.json": nodePackage("node --test"),
    "test/nested.test.js": nestedTestFile,
  });
  assert.match(report.summary, /test\/nested\.test\.js:6: slugify > with accents > strips diacritics/);
  assert.doesNotMatch(report.summary, /keeps ascii/);
});

test("a planted type error is reported by the real tsc with file, line and code", async () => {
  const report = await verify(
    {
      "package.json": JSON.stringify({ name: "typed", scripts: {}, devDependencies: { typescript: "^5" } }),
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ["src"] }),
      "src/index.ts": 'export const ok = 1;\nexport const total: number = "12";\n',
    },
    { prepare: linkTypescript },
  );
  const [result] = report.results;
  assert.equal(result?.name, "typecheck");
  assert.equal(result?.passed, false);
  assert.deepEqual(
    result?.findings.map(({ file, line, rule }) => ({ file, line, rule })),
    [{ file: "src/index.ts", line: 2, rule: "TS2322" }],
  );
  assert.match(report.summary, /src\/index\.ts:2: TS2322 Type 'string' is not assignable to type 'number'/);
});

test("a hanging check is stopped at its timeout and reported as timed out", async () => {
  const report = await verify({
    ".slipway.yml": [
      "verify:",
      "  commands:",
      "    - name: hang",
      "      run: node -e 'console.log(\"waiting forever\"); setInterval(() => {}, 1000)'",
      "      timeoutSeconds: 1",
      "",
    ].join("\n"),
  });
  const [result] = report.results;
  assert.equal(result?.timedOut, true);
  assert.equal(result?.passed, false);
  assert.equal(report.passed, false);
  assert.match(report.summary, /^✗ hang \(.*\): timed out/m);
  assert.match(report.summary, /timed out after 1\.0 s/);
});

test("a passing project passes with one ✓ line per check and no findings", needsNpm, async () => {
  const report = await verify({
    "package.json": nodePackage("node --test"),
    "test/ok.test.js": 'import { test } from "node:test";\ntest("fine", () => {});\n',
  });
  assert.equal(report.passed, true);
  assert.deepEqual(report.results[0]?.findings, []);
  assert.match(report.summary, /^✓ test \([^)]*\)$/);
});

test(
  "build runs only at full speed, and a failure no parser understands shows the last lines",
  needsNpm,
  async () => {
    const files = {
      "package.json": JSON.stringify({
        name: "fixture",
        scripts: {
          build:
            "node -e \"console.log('bundling'); console.error('Rollup failed: entry not found'); process.exit(1)\"",
        },
      }),
    };
    const fast = await verify(files, { speed: "fast" });
    assert.deepEqual(fast.results, []);
    assert.equal(fast.passed, true);
    assert.match(fast.summary, /no checks ran/);
    const full = await verify(files, { speed: "full" });
    const [result] = full.results;
    assert.equal(result?.name, "build");
    assert.equal(result?.unparsed, true);
    assert.match(full.summary, /✗ build \(.*\): exit 1, output not parsed/);
    assert.match(full.summary, /Rollup failed: entry not found/);
  },
);

test("a failed check whose parser finds nothing falls back to the generic findings", async () => {
  const report = await verify({
    ".slipway.yml": [
      "verify:",
      "  commands:",
      '    - { name: test, parser: node-test, run: "node -e \'console.error(\\"cannot find module x\\"); process.exit(3)\'" }',
      "",
    ].join("\n"),
  });
  const [result] = report.results;
  assert.equal(result?.unparsed, true);
  assert.equal(result?.exitCode, 3);
  assert.match(result?.findings.map((finding) => finding.message).join("\n") ?? "", /cannot find module x/);
});

test("the summary keeps every failing test name when 200 tests fail", async () => {
  const many = [
    'import { test } from "node:test";',
    "for (let i = 1; i <= 200; i++) {",
    '  test("parses invoice " + String(i).padStart(3, "0"), () => {',
    '    throw new Error("invoice total mismatch: expected " + i * 10 + " but the parser returned a different total");',
    "  });",
    "}",
    "",
  ].join("\n");
  const report = await verify({
    ".slipway.yml": "verify:\n  commands:\n    - { name: test, run: node --test test/many.test.js }\n",
    "test/many.test.js": many,
  });
  assert.equal(report.results[0]?.findings.length, 200);
  const summary = summarizeReport(report, 6000);
  assert.ok(summary.length <= 6000, `summary is ${summary.length} characters`);
  for (let i = 1; i <= 200; i++) {
    const name = `parses invoice ${String(i).padStart(3, "0")}`;
    assert.ok(summary.includes(name), `${name} is missing`);
  }
  assert.match(summary, /^✗ test \(.*\): 200 failing tests$/m);
});

test("runVerifiers refuses to start when the signal is already aborted", async () => {
  const root = await makeProject({ "package.json": nodePackage("node --test") });
  const sandbox = await sandboxFor(root);
  cleanups.push(
    () => sandbox.dispose(),
    () => removeProject(root),
  );
  const { commands } = await detectVerifiers(root);
  const controller = new AbortController();
  controller.abort(new Error("run cancelled"));
  await assert.rejects(runVerifiers(sandbox, commands, "fast", controller.signal), /run cancelled/);
});

test("a failed check whose parser finds only warnings also shows the output's tail, the error first", async () => {
  const script = [
    "console.log('/repo/src/a.js');",
    "console.log('  3:7  warning  x is assigned a value but never used  no-unused-vars');",
    "console.log('');",
    "console.log('✖ 1 problem (0 errors, 1 warning)');",
    "console.error('schema-check: config.json is missing');",
    "process.exit(255);",
  ].join(" ");
  const report = await verify({
    "lint.cjs": script,
    ".slipway.yml": "verify:\n  commands:\n    - { name: lint, parser: eslint, run: node lint.cjs }\n",
  });
  const [result] = report.results;
  assert.equal(result?.passed, false);
  assert.deepEqual(
    result?.findings.map(({ severity, message }) => ({ severity, message })),
    [
      { severity: "warning", message: "x is assigned a value but never used" },
      {
        severity: undefined,
        message: "exit 255 with warnings only; the output ends: schema-check: config.json is missing",
      },
    ],
  );
  const lines = report.summary.split("\n");
  const error = lines.findIndex((line) => line.includes("schema-check: config.json is missing"));
  const warning = lines.findIndex((line) => line.includes("warning: no-unused-vars x is assigned"));
  assert.ok(error > 0 && warning > error, report.summary);
});
