// What `slipway budget` (and later the API) shows: spend today and this month (UTC) against each
// configured limit, overall and per repository, with what is left.
import type { BudgetsConfig } from "../config/config-schema.ts";
import { type RepositorySpend, utcDay } from "../store/budget-ledger.ts";
import { type BudgetLine, overallLines, repositoryLines } from "./budget-limits.ts";

export interface BudgetReport {
  /** The UTC day and month the figures are for. */
  day: string;
  month: string;
  whenExhausted: BudgetsConfig["whenExhausted"];
  /** Every configured limit that applies now, overall first, with its spend and what is left. */
  limits: BudgetLine[];
  /** Spend of every repository that spent something this month, budget or not. */
  spend: { totalDayUsd: number; totalMonthUsd: number; repositories: RepositorySpend[] };
}

/** The budget report for `now` from the ledger's `spend` of that day. */
export function budgetReport(
  config: BudgetsConfig,
  spend: readonly RepositorySpend[],
  now: Date,
): BudgetReport {
  const day = utcDay(now);
  // Repositories named exactly in the config are shown even before they spend; prefixes only once they do.
  const named = config.repositories.map((entry) => entry.match).filter((match) => !match.endsWith("*"));
  const repositories = [...new Set([...named, ...spend.map((entry) => entry.repo)])].sort();
  return {
    day,
    month: day.slice(0, 7),
    whenExhausted: config.whenExhausted,
    limits: [
      ...overallLines(config, spend),
      ...repositories.flatMap((repo) => repositoryLines(config, spend, repo)),
    ],
    spend: {
      totalDayUsd: spend.reduce((sum, entry) => sum + entry.dayUsd, 0),
      totalMonthUsd: spend.reduce((sum, entry) => sum + entry.monthUsd, 0),
      repositories: [...spend],
    },
  };
}
