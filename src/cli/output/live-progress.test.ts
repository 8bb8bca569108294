import assert from "node:assert/strict";
import { test } from "node:test";
import { RunEventBody, type RunEventData, type RunEventType } from "../../core/events/run-events.ts";
import type { ProgressEvent } from "../../pipeline/run-context.ts";
import { createLiveProgress, spinnerIntervalMs } from "./live-progress.ts";
import { eraseLine, terminalStyle } from "./terminal-style.ts";

/** An event as the pipeline records it: parsed with the union, so a test's shape is a real one. */
function event<T extends RunEventType>(type: T, data: RunEventData<T>): ProgressEvent {
  return { runId: "run_1", stage: "gate", ...RunEventBody.parse({ type, data }) };
}

const gateStart = {
  removedOutsideTree: [],
  restoredFromSetup: [],
  dependenciesMounted: false,
  notRestored: [],
  speed: "full" as const,
  notes: [],
};

const failedTest = {
  name: "test",
  command: "node --test",
  passed: false,
  exitCode: 1,
  timedOut: false,
  durationMs: 5,
  findings: [],
  summary: "1 failing",
  unparsed: false,
  rawChars: 40,
};

const runStart = {
  repo: "/repo",
  baseRef: "HEAD",
  branch: "b",
  forge: "local /repo",
  model: "m",
  sandbox: "bwrap",
  isolated: true,
  sandboxLimits: {
    memoryMb: 2048,
    maxProcesses: 256,
    commandTimeoutSeconds: 60,
    verifyTimeoutSeconds: 600,
    network: "none" as const,
    allowHosts: [],
  },
  limits: { maxTurns: 10, maxMinutes: 10, maxTokens: 100_000, maxCostUsd: 1 },
  priced: false,
  judge: null,
  attempt: 1,
};

/** A printer whose clock and timer the test moves by hand (no real waiting). */
function harness(env: Record<string, string | undefined>, isTTY: boolean, columns = 80) {
  const output: string[] = [];
  let clock = 0;
  let tick: (() => void) | undefined;
  const intervals: number[] = [];
  const progress = createLiveProgress({
    write: (text) => output.push(text),
    style: terminalStyle({ isTTY }, env),
    columns,
    now: () => clock,
    schedule: (callback, intervalMs) => {
      tick = callback;
      intervals.push(intervalMs);
      return () => {
        tick = undefined;
      };
    },
  });
  return {
    output,
    intervals,
    progress,
    advance: (ms: number) => {
      clock += ms;
      tick?.();
    },
    ticking: () => tick !== undefined,
  };
}

const escapeCode = "\u001b";

test("on a terminal, a spinner says what runs and for how long, redrawn every 100 ms at most", () => {
  const { output, intervals, progress, advance } = harness({ TERM: "xterm" }, true);
  progress.event(event("verify-start", { ...gateStart, checks: ["typecheck", "test"] }));
  advance(3_000);
  assert.deepEqual(intervals, [spinnerIntervalMs]);
  assert.ok(spinnerIntervalMs >= 100);
  const spinner = output.at(-1)!;
  assert.ok(spinner.startsWith(eraseLine), JSON.stringify(spinner));
  assert.match(spinner, /gate: running typecheck, test · 3 s$/);
  assert.ok([...spinner.slice(eraseLine.length)].length <= 79, "the spinner line fits the terminal");
  progress.event(event("model-retry", { attempt: 2, attempts: 5, delayMs: 4000, reason: "HTTP 529" }));
  assert.equal(output.at(-2), eraseLine, "the spinner is erased before a plain line");
  assert.match(output.at(-1)!, /retrying in 4\.0 s \(attempt 2 of 5\)\n$/);
  advance(100);
  assert.match(output.at(-1)!, /model call failed, retrying in 4\.0 s \(attempt 2 of 5\) · 0 s$/);
});

test("on a terminal, marks are in colour; the spinner stops when the run ends", () => {
  const { output, progress, advance, ticking } = harness({}, true);
  progress.event(event("verify-end", { speed: "full", passed: false, results: [failedTest] }));
  assert.match(output.join(""), new RegExp(`${escapeCode}\\[31m✗`));
  progress.event(event("judge-start", { chunks: 1, files: ["a.ts"] }));
  advance(100);
  progress.event(event("run-end", { outcome: "success" }));
  assert.equal(ticking(), false);
  assert.equal(output.at(-1), eraseLine);
});

for (const [why, env, isTTY] of [
  ["piped", {}, false],
  ["NO_COLOR set", { NO_COLOR: "1" }, true],
  ["TERM=dumb", { TERM: "dumb" }, true],
] as const) {
  test(`${why}: plain lines only, no colour, no spinner, no timer`, () => {
    const { output, intervals, progress, advance } = harness(env, isTTY);
    progress.event(event("verify-start", { ...gateStart, checks: ["test"] }));
    progress.event(event("verify-end", { speed: "full", passed: false, results: [failedTest] }));
    advance(1_000);
    assert.deepEqual(intervals, []);
    assert.deepEqual(output, ["  gate   running test\n", "  gate   ✗ test (5 ms)\n"]);
    assert.doesNotMatch(output.join(""), new RegExp(escapeCode));
  });
}

test("a terminal that reports no width gets 80 columns, not a spinner cut to nothing", () => {
  const { output, progress, advance } = harness({}, true, 0);
  progress.event(event("run-start", runStart));
  advance(100);
  assert.match(output.at(-1)!, /preparing the workspace · 0 s$/);
});

test("on a terminal, an agent's command in the spinner and its output in a line are inert; our colours stay", () => {
  const { output, progress, advance } = harness({}, true);
  const hostile = "x\u001b[2J\u001b]52;c;QQ==\u0007\u001bc\u202eforged";
  progress.event(event("tool-call", { turn: 1, id: "c1", name: "run_command", input: { command: hostile } }));
  advance(100);
  assert.match(
    output.at(-1)!,
    /run_command x\\u\{1b\}\[2J\\u\{1b\}\]52;c;QQ==\\u\{7\}\\u\{1b\}c\\u\{202e\}forged/,
  );
  progress.event(event("tool-result", { id: "c1", name: "run_command", isError: true, text: hostile }));
  const printed = output.join("");
  assert.match(printed, new RegExp(`${escapeCode}\\[31m✗`), "the mark keeps its colour");
  // What is left once our own erase and colour codes are taken out is plain text.
  const rest = printed.replaceAll(eraseLine, "").replace(new RegExp(`${escapeCode}\\[\\d+m`, "g"), "");
  assert.deepEqual(rest.match(/[\p{Cc}\u202a-\u202e]/gu)?.filter((char) => char !== "\n") ?? [], []);
});
