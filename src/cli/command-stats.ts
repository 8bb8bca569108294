// `slipway stats`: outcomes, veto and course-correction rates, and cost across recent runs.
import type { Command } from "commander";
import { computeRunStats, type RunStats } from "../stats/run-stats.ts";
import { type GlobalOptions, openApp } from "./app-context.ts";
import { formatCost, formatTokens } from "./format.ts";
import { positiveInteger } from "./option-parsers.ts";

/** `66.7% <of what>`, or a dash saying there is nothing to count yet. */
function percent(value: number | null, basis: string, ofWhat: string): string {
  return value === null ? `— (no ${basis} yet)` : `${(value * 100).toFixed(1)}% ${ofWhat}`.trimEnd();
}

export function renderStats(stats: RunStats): string {
  if (stats.runs === 0) return "no runs yet: try `slipway demo`";
  const outcomes = Object.entries(stats.outcomes)
    .sort(([, a], [, b]) => b - a)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(", ");
  return [
    `runs               ${stats.runs} (${stats.finished} finished)`,
    `outcomes           ${outcomes || "none finished"}`,
    `success rate       ${percent(stats.successRate, "finished runs", "")}`,
    `veto rate          ${percent(stats.vetoRate, "judged runs", `of ${stats.judged} judged runs`)}`,
    `course correction  ${percent(stats.courseCorrectionRate, "vetoed runs", "of vetoed runs ended in success")}`,
    `guard refusals     ${percent(stats.guardRefusalRate, "reviewed runs", "of runs that reached review")}`,
    `tokens             ${formatTokens(stats.inputTokens)} in / ${formatTokens(stats.outputTokens)} out`,
    `cost               ${formatCost(stats.agentCostUsd + stats.judgeCostUsd)} (agent ${formatCost(stats.agentCostUsd)}, judge ${formatCost(stats.judgeCostUsd)})`,
    `cost per success   ${stats.costPerSuccessUsd === null ? "— (no successful runs yet)" : formatCost(stats.costPerSuccessUsd)}`,
  ].join("\n");
}

export function registerStatsCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("stats")
    .description("outcomes, judge veto rate, course-correction rate and cost across recent runs")
    .option("--last <n>", "how many of the most recent runs to count", positiveInteger, 1000)
    .option("--json", "print JSON", false)
    .action(async (flags: { last: number; json: boolean }) => {
      const app = await openApp(global());
      try {
        const stats = computeRunStats(await app.store.listRuns({ limit: flags.last }));
        process.stdout.write(`${flags.json ? JSON.stringify(stats, null, 2) : renderStats(stats)}\n`);
      } finally {
        await app.store.close();
      }
    });
}
