// A run's totals as every view prints them: agent and judge together, with each part, so the
// report, `runs`, `show`, `stats` and the PR body never disagree on what a run cost.
import type { Run } from "../../core/run.ts";
import { readReviewRecord } from "../../judge/review/review-record.ts";

export interface RunTotals {
  /** Agent and judge tokens together (as `stats` counts them). */
  inputTokens: number;
  outputTokens: number;
  agentCostUsd: number;
  judgeCostUsd: number;
  totalCostUsd: number;
}

export function runTotals(run: Pick<Run, "usage" | "state">): RunTotals {
  const judge = readReviewRecord(run.state).judgeUsage;
  return {
    inputTokens: run.usage.inputTokens + judge.inputTokens,
    outputTokens: run.usage.outputTokens + judge.outputTokens,
    agentCostUsd: run.usage.costUsd,
    judgeCostUsd: judge.costUsd,
    totalCostUsd: run.usage.costUsd + judge.costUsd,
  };
}
