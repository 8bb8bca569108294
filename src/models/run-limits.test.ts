import assert from "node:assert/strict";
import { test } from "node:test";
import { checkLimits, remainingBudget, wouldExceed } from "./run-limits.ts";

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

test("what is left of the limits for the judge never goes below zero", () => {
  assert.deepEqual(remainingBudget(limits, usage(600, 100, 0.2)), { tokens: 300, costUsd: 0.3 });
  assert.deepEqual(remainingBudget(limits, usage(1200, 0, 0.9)), { tokens: 0, costUsd: 0 });
});

test("a call that would pass the tokens or the dollars left is refused before it is made", () => {
  const budget = { tokens: 1000, costUsd: 0.5 };
  assert.equal(wouldExceed(budget, usage(500, 0, 0.1), usage(500, 0, 0.1)), undefined);
  assert.equal(wouldExceed(budget, usage(500, 0, 0.1), usage(501, 0, 0.1))?.outcome, "token_limit");
  assert.equal(wouldExceed(budget, usage(0, 0, 0.3), usage(10, 0, 0.21))?.outcome, "cost_limit");
});
