// `slipway budget`: model spend today and this month (UTC) against each budget, overall and per
// repository, with what is left (budgets across runs: docs/budgets.md).
import type { Command } from "commander";
import { type BudgetReport, budgetReport } from "../budget/budget-report.ts";
import { utcDay } from "../store/budget-ledger.ts";
import { type GlobalOptions, loadAppSettings, withExistingStore } from "./app-context.ts";
import { formatCost, toJson } from "./output/figures.ts";

export function renderBudget(report: BudgetReport): string {
  const waits =
    report.whenExhausted === "wait" ? "queued runs wait until it rolls over" : "runs end as budget_exhausted";
  const lines = [`budgets for ${report.day} and ${report.month} (UTC); when one is spent, ${waits}`];
  if (report.limits.length === 0)
    lines.push("no budgets configured (set budgets: in slipway.yaml, see docs/budgets.md)");
  for (const limit of report.limits) {
    const period = limit.period === "day" ? "today     " : "this month";
    const state = limit.leftUsd <= 0 ? "SPENT" : `${formatCost(limit.leftUsd)} left`;
    lines.push(
      `${limit.scope}  ${period}  ${formatCost(limit.spentUsd)} of ${formatCost(limit.limitUsd)}, ${state}  (${limit.key})`,
    );
  }
  lines.push(
    `spent in all: ${formatCost(report.spend.totalDayUsd)} today, ${formatCost(report.spend.totalMonthUsd)} this month`,
  );
  for (const entry of report.spend.repositories)
    lines.push(
      `  ${entry.repo}: ${formatCost(entry.dayUsd)} today, ${formatCost(entry.monthUsd)} this month`,
    );
  return lines.join("\n");
}

export function registerBudgetCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("budget")
    .description("model spend today and this month (UTC) against each budget, overall and per repository")
    .option("--json", "print JSON", false)
    .action(async (flags: { json: boolean }) => {
      const settings = loadAppSettings(global());
      const now = new Date();
      // No store yet: nothing spent, every budget whole.
      const spend = await withExistingStore(
        settings,
        (app) => app.store.spendByRepository(utcDay(now)),
        () => [],
      );
      const report = budgetReport(settings.config.budgets, spend, now);
      process.stdout.write(`${flags.json ? toJson(report) : renderBudget(report)}\n`);
    });
}
