// Budgets across runs against the ledger: what each configured limit has left today and this month,
// overall and per repository, and which limit leaves a given repository the least.
import type { BudgetsConfig } from "../config/config-schema.ts";
import type { RepositorySpend } from "../store/budget-ledger.ts";

export type BudgetPeriod = "day" | "month";

/** One configured limit and the spend against it. */
export interface BudgetLine {
  /** `overall`, or the repository the line is about. */
  scope: string;
  period: BudgetPeriod;
  /** The config key that sets it, e.g. `budgets.dailyUsd` or `budgets.repositories[0].monthlyUsd`. */
  key: string;
  limitUsd: number;
  spentUsd: number;
  /** limitUsd − spentUsd, never below 0. */
  leftUsd: number;
}

interface RepositoryBudget {
  index: number;
  dailyUsd?: number;
  monthlyUsd?: number;
}

/** The `budgets.repositories` entry that applies to `repo` (first match wins; `*` ends a prefix). */
export function repositoryBudget(config: BudgetsConfig, repo: string): RepositoryBudget | undefined {
  const index = config.repositories.findIndex((entry) =>
    entry.match.endsWith("*") ? repo.startsWith(entry.match.slice(0, -1)) : repo === entry.match,
  );
  return index < 0 ? undefined : { index, ...config.repositories[index] };
}

function line(
  scope: string,
  period: BudgetPeriod,
  key: string,
  limitUsd: number,
  spentUsd: number,
): BudgetLine {
  // Sums of float dollars drift (0.6 + 0.1 + 0.3 < 1): under a millionth of a dollar left is spent.
  const left = limitUsd - spentUsd;
  return { scope, period, key, limitUsd, spentUsd, leftUsd: left < 1e-6 ? 0 : left };
}

/** The overall limits against the sum of every repository's spend. */
export function overallLines(config: BudgetsConfig, spend: readonly RepositorySpend[]): BudgetLine[] {
  const day = spend.reduce((sum, entry) => sum + entry.dayUsd, 0);
  const month = spend.reduce((sum, entry) => sum + entry.monthUsd, 0);
  const lines: BudgetLine[] = [];
  if (config.dailyUsd !== undefined)
    lines.push(line("overall", "day", "budgets.dailyUsd", config.dailyUsd, day));
  if (config.monthlyUsd !== undefined)
    lines.push(line("overall", "month", "budgets.monthlyUsd", config.monthlyUsd, month));
  return lines;
}

/** `repo`'s own limits (from its budgets.repositories entry) against its spend. */
export function repositoryLines(
  config: BudgetsConfig,
  spend: readonly RepositorySpend[],
  repo: string,
): BudgetLine[] {
  const budget = repositoryBudget(config, repo);
  if (!budget) return [];
  const own = spend.find((entry) => entry.repo === repo) ?? { repo, dayUsd: 0, monthUsd: 0 };
  const key = `budgets.repositories[${budget.index}]`;
  const lines: BudgetLine[] = [];
  if (budget.dailyUsd !== undefined)
    lines.push(line(repo, "day", `${key}.dailyUsd`, budget.dailyUsd, own.dayUsd));
  if (budget.monthlyUsd !== undefined)
    lines.push(line(repo, "month", `${key}.monthlyUsd`, budget.monthlyUsd, own.monthUsd));
  return lines;
}

/** Every limit that bounds a run of `repo`: the overall ones and the repository's own. */
export function linesFor(
  config: BudgetsConfig,
  spend: readonly RepositorySpend[],
  repo: string,
): BudgetLine[] {
  return [...overallLines(config, spend), ...repositoryLines(config, spend, repo)];
}

/** The limit with the least left (undefined when no budget applies). */
export function tightest(lines: readonly BudgetLine[]): BudgetLine | undefined {
  return lines.reduce<BudgetLine | undefined>(
    (least, entry) => (!least || entry.leftUsd < least.leftUsd ? entry : least),
    undefined,
  );
}

/** One line on a spent limit, for an outcome detail or a notice. */
export function spentDetail(entry: BudgetLine): string {
  const what = entry.period === "day" ? "today (UTC)" : "this month (UTC)";
  return `the ${entry.scope === "overall" ? "overall" : `${entry.scope}`} budget ${entry.key} of $${entry.limitUsd} is spent ${what} ($${entry.spentUsd.toFixed(2)} spent)`;
}
