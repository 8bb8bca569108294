// A run's totals as every view prints them: agent and judge together, with each part, so the
// report, `runs`, `show`, `stats` and the PR body never disagree on what a run cost.
import { z } from "zod";
import type { Run } from "../core/run.ts";

// Only the judge's usage out of `run.state.review` (judge/review/review-record.ts holds the whole
// record): reading it through that module would load the judge's verdict schema into `slipway runs`,
// which must start without judge code.
const JudgeUsage = z.object({
  judgeUsage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }),
});
const noJudgeUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

export interface RunTotals {
  /** Agent and judge tokens together (as `stats` counts them). */
  inputTokens: number;
  outputTokens: number;
  agentCostUsd: number;
  judgeCostUsd: number;
  totalCostUsd: number;
}

export function runTotals(run: Pick<Run, "usage" | "state">): RunTotals {
  const parsed = JudgeUsage.safeParse(run.state.review);
  const judge = parsed.success ? parsed.data.judgeUsage : noJudgeUsage;
  return {
    inputTokens: run.usage.inputTokens + judge.inputTokens,
    outputTokens: run.usage.outputTokens + judge.outputTokens,
    agentCostUsd: run.usage.costUsd,
    judgeCostUsd: judge.costUsd,
    totalCostUsd: run.usage.costUsd + judge.costUsd,
  };
}
