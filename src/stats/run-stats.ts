// Numbers across runs: outcomes, how often the judge vetoes and how often the agent recovers,
// how often the scope guards refuse, and what it all cost (agent and judge apart).
import type { Run } from "../core/run.ts";
import { readReviewRecord } from "../judge/review/review-record.ts";

export interface RunStats {
  runs: number;
  finished: number;
  outcomes: Record<string, number>;
  /** Finished runs that ended `success`, over finished runs. */
  successRate: number | null;
  /** Runs the judge gave at least one verdict on. */
  judged: number;
  /** Judged runs with at least one veto, over judged runs. */
  vetoRate: number | null;
  /** Vetoed-at-least-once runs that still ended `success`, over vetoed-at-least-once runs. */
  courseCorrectionRate: number | null;
  /** Runs the guards refused at least once, over runs that reached review. */
  guardRefusalRate: number | null;
  agentCostUsd: number;
  judgeCostUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** All cost (agent + judge) over successful runs: what one delivered change costs. */
  costPerSuccessUsd: number | null;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function computeRunStats(runs: readonly Run[]): RunStats {
  const outcomes: Record<string, number> = {};
  let judged = 0;
  let vetoed = 0;
  let recovered = 0;
  let reviewed = 0;
  let refused = 0;
  let agentCostUsd = 0;
  let judgeCostUsd = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const run of runs) {
    if (run.outcome) outcomes[run.outcome] = (outcomes[run.outcome] ?? 0) + 1;
    const review = readReviewRecord(run.state);
    const hadVeto = review.verdicts.some((verdict) => verdict.verdict === "veto");
    if (review.verdicts.length > 0) judged += 1;
    if (hadVeto) vetoed += 1;
    if (hadVeto && run.outcome === "success") recovered += 1;
    if (review.guardRounds.length > 0) reviewed += 1;
    if (review.guardRounds.some((round) => !round.passed)) refused += 1;
    agentCostUsd += run.usage.costUsd;
    judgeCostUsd += review.judgeUsage.costUsd;
    inputTokens += run.usage.inputTokens + review.judgeUsage.inputTokens;
    outputTokens += run.usage.outputTokens + review.judgeUsage.outputTokens;
  }
  const finished = runs.filter((run) => run.status === "finished").length;
  const successes = outcomes.success ?? 0;
  return {
    runs: runs.length,
    finished,
    outcomes,
    successRate: ratio(successes, finished),
    judged,
    vetoRate: ratio(vetoed, judged),
    courseCorrectionRate: ratio(recovered, vetoed),
    guardRefusalRate: ratio(refused, reviewed),
    agentCostUsd,
    judgeCostUsd,
    inputTokens,
    outputTokens,
    costPerSuccessUsd: ratio(agentCostUsd + judgeCostUsd, successes),
  };
}
