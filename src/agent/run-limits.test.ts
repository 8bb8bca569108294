import assert from "node:assert/strict";
import { test } from "node:test";
import { checkLimits } from "./run-limits.ts";

const limits = { maxTurns: 3, maxMinutes: 1, maxTokens: 1000, maxCostUsd: 0.5 };
const usage = (inputTokens: number, outputTokens: number, costUsd: number) => ({
  inputTokens,
  outputTokens,
  costUsd,
});

test("allows another call while every limit has room", () => {
  assert.equal(checkLimits(limits, 2, usage(400, 100, 0.1), 59_000), undefined);
});

test("each limit has its own outcome", () => {
  assert.equal(checkLimits(limits, 3, usage(0, 0, 0), 0)?.outcome, "turn_limit");
  assert.equal(checkLimits(limits, 0, usage(900, 100, 0), 0)?.outcome, "token_limit");
  assert.equal(checkLimits(limits, 0, usage(0, 0, 0.5), 0)?.outcome, "cost_limit");
  assert.equal(checkLimits(limits, 0, usage(0, 0, 0), 60_000)?.outcome, "time_limit");
});

test("time is checked first, so a run out of time never reports a later limit", () => {
  assert.equal(checkLimits(limits, 3, usage(900, 100, 1), 60_000)?.outcome, "time_limit");
});
