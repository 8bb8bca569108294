import assert from "node:assert/strict";
import { test } from "node:test";
import type { ProgressEvent } from "../../pipeline/run-context.ts";
import { createLiveProgress, spinnerIntervalMs } from "./live-progress.ts";
import { eraseLine, terminalStyle } from "./terminal-style.ts";

function event(type: string, data: Record<string, unknown> = {}): ProgressEvent {
  return { runId: "run_1", stage: "gate", type, data };
}

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
  progress.event(event("verify-start", { speed: "full", checks: ["typecheck", "test"] }));
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
  progress.event(
    event("verify-end", { speed: "full", results: [{ name: "test", passed: false, durationMs: 5 }] }),
  );
  assert.match(output.join(""), new RegExp(`${escapeCode}\\[31m✗`));
  progress.event(event("judge-start"));
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
    progress.event(event("verify-start", { speed: "full", checks: ["test"] }));
    progress.event(
      event("verify-end", { speed: "full", results: [{ name: "test", passed: false, durationMs: 5 }] }),
    );
    advance(1_000);
    assert.deepEqual(intervals, []);
    assert.deepEqual(output, ["  gate   running test\n", "  gate   ✗ test (5 ms)\n"]);
    assert.doesNotMatch(output.join(""), new RegExp(escapeCode));
  });
}

test("a terminal that reports no width gets 80 columns, not a spinner cut to nothing", () => {
  const { output, progress, advance } = harness({}, true, 0);
  progress.event(event("run-start", { model: "m", sandbox: "bwrap", isolated: true, branch: "b" }));
  advance(100);
  assert.match(output.at(-1)!, /preparing the workspace · 0 s$/);
});
