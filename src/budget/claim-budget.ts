// What a worker's claim leaves out when budgets say runs must wait (budgets.whenExhausted: wait):
// every run while an overall budget is spent, and the runs of repositories whose own budget is.
import type { SlipwayConfig } from "../config/config-schema.ts";
import { utcDay } from "../store/budget-ledger.ts";
import type { ClaimLimits } from "../store/run-queue.ts";
import type { Store } from "../store/store.ts";
import { overallLines, repositoryLines } from "./budget-limits.ts";

/** `limits` narrowed by the budgets: unchanged with whenExhausted `end` (the run ends at its start instead). */
export async function budgetClaimLimits(
  store: Store,
  config: Pick<SlipwayConfig, "budgets">,
  limits: ClaimLimits,
  now: Date = new Date(),
): Promise<ClaimLimits> {
  const budgets = config.budgets;
  const none =
    budgets.dailyUsd === undefined && budgets.monthlyUsd === undefined && budgets.repositories.length === 0;
  if (none || budgets.whenExhausted === "end") return limits;
  const spend = await store.spendByRepository(utcDay(now));
  // A spent overall budget holds every run: the claim takes none.
  if (overallLines(budgets, spend).some((line) => line.leftUsd <= 0))
    return { ...limits, maxConcurrentRuns: 0 };
  // Only a repository that spent something can have spent its own budget (every limit is positive).
  const skip = spend
    .filter((entry) => repositoryLines(budgets, spend, entry.repo).some((line) => line.leftUsd <= 0))
    .map((entry) => entry.repo);
  return skip.length === 0 ? limits : { ...limits, skipRepositories: skip };
}
