// `slipway sandbox exec`'s plan and exit status: the configuration's limits and the --allow-host
// values reach the sandbox options; how the command ended becomes the exit status.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SlipwayConfig } from "../config/config-schema.ts";
import type { ExecResult } from "../sandbox/sandbox.ts";
import { commandOutputBytes } from "../tools/run-command.ts";
import { exitStatusOf, sandboxExecPlan } from "./command-sandbox.ts";

function ended(overrides: Partial<ExecResult>): ExecResult {
  return {
    exitCode: 0,
    signal: null,
    output: "",
    stdout: "",
    stderr: "",
    timedOut: false,
    truncated: false,
    durationMs: 1,
    ...overrides,
  };
}

describe("sandbox exec plan", () => {
  test("takes the run's limits, time limit, output cap and the agent's process space, and passes --allow-host on", () => {
    const config = SlipwayConfig.parse({
      sandbox: { memoryMb: 1536, maxProcesses: 99 },
      commands: { timeoutSeconds: 42 },
    });
    const plan = sandboxExecPlan(config, "/work/tree", ["registry.npmjs.org"], ["npm", "ci"]);
    assert.deepEqual(plan.options, {
      worktree: "/work/tree",
      allowHosts: ["registry.npmjs.org"],
      memoryMb: 1536,
      maxProcesses: 99,
      maxFileMb: 1024,
    });
    assert.deepEqual(plan.request, {
      command: "npm",
      args: ["ci"],
      timeoutMs: 42_000,
      maxOutputBytes: commandOutputBytes,
      processSpace: "run",
    });
  });

  test("refuses an empty command", () => {
    assert.throws(
      () => sandboxExecPlan(SlipwayConfig.parse({}), "/w", [], []),
      /no command: pass it after --/,
    );
  });

  test("exit status: the code, 124 at the time limit, 128 + n for signal n", () => {
    assert.equal(exitStatusOf(ended({ exitCode: 3 })), 3);
    assert.equal(exitStatusOf(ended({ exitCode: null, signal: "SIGTERM", timedOut: true })), 124);
    assert.equal(exitStatusOf(ended({ exitCode: null, signal: "SIGKILL" })), 137);
  });
});
