// A check's line counts errors and warnings apart, on the real gcc's output: one error and three
// warnings read "1 compile error, 3 compile warnings", never "4 compile errors".
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { toVerifierResult } from "./run-verifiers.ts";

const hasGcc = spawnSync("gcc", ["--version"], { timeout: 10_000 }).status === 0;

test("the check line counts gcc's warnings as warnings, errors first", {
  skip: hasGcc ? false : "gcc is not installed here",
}, () => {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-severity-"));
  try {
    const source = "int f(void) {\n  int unused = 1;\n  int other = 2;\n  return missing;\n}\n";
    writeFileSync(path.join(root, "bad.c"), source);
    const run = spawnSync("gcc", ["-Wall", "-c", "bad.c", "-o", "/dev/null"], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, LC_ALL: "C" },
    });
    assert.equal(run.status, 1, run.stderr);
    const command = {
      name: "build",
      command: "gcc",
      args: ["-Wall", "-c", "bad.c"],
      cwd: ".",
      parser: "gcc",
      speeds: ["full" as const],
      timeoutMs: 60_000,
    };
    const execution = {
      exitCode: 1,
      signal: null,
      output: run.stdout + run.stderr,
      timedOut: false,
      truncated: false,
      durationMs: 1_000,
    };
    const result = toVerifierResult(command, execution, [root]);
    assert.equal(result.summary, "✗ build (1.0 s): 1 compile error, 3 compile warnings");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
