import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunStats } from "../stats/run-stats.ts";
import { renderStats } from "./command-stats.ts";

const stats: RunStats = {
  runs: 2,
  finished: 2,
  outcomes: { success: 1, verify_failed: 1 },
  successRate: 0.5,
  judged: 1,
  vetoRate: 0,
  courseCorrectionRate: null,
  guardRefusalRate: 0,
  agentCostUsd: 0.5,
  judgeCostUsd: 0.01,
  inputTokens: 1000,
  outputTokens: 100,
  costPerSuccessUsd: 0.51,
};

test("rates say what they count, and a rate with nothing to count says so instead", () => {
  const text = renderStats(stats);
  assert.match(text, /^success rate\s+50\.0%$/m);
  assert.match(text, /^veto rate\s+0\.0% of 1 judged runs$/m);
  assert.match(text, /^course correction\s+— \(no vetoed runs yet\)$/m);
  assert.match(text, /^outcomes\s+success 1, verify_failed 1$/m);
});

test("no runs at all points at the demo", () => {
  assert.match(renderStats({ ...stats, runs: 0 }), /no runs yet: try `slipway demo`/);
});
