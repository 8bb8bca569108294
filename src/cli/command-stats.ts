// `slipway stats`: outcomes, veto and course-correction rates, and cost across every run (or the
// most recent ones with --last), read page by page and saying how many of how many it counted.
import type { Command } from "commander";
import type { Run } from "../core/run.ts";
import { computeRunStats, type RunStats } from "../stats/run-stats.ts";
import type { Store } from "../store/store.ts";
import type { UnreadableRow } from "../store/unreadable-rows.ts";
import { type GlobalOptions, loadAppSettings, noStoreLine, withExistingStore } from "./app-context.ts";
import { positiveInteger } from "./option-parsers.ts";
import { formatCost, formatTokens, toJson } from "./output/figures.ts";

/** Runs read per store call: bounds each read, whatever the store holds. */
const pageSize = 500;

/** The counted runs and how many the store holds in all. */
export interface StatsCoverage {
  counted: number;
  total: number;
}

/** `66.7% <of what>`, or a dash saying there is nothing to count yet. */
function percent(value: number | null, basis: string, ofWhat: string): string {
  return value === null ? `— (no ${basis} yet)` : `${(value * 100).toFixed(1)}% ${ofWhat}`.trimEnd();
}

function coverageText(stats: RunStats, coverage: StatsCoverage): string {
  const which =
    coverage.counted < coverage.total ? `the last ${coverage.counted} of ${coverage.total}` : "all";
  return `${stats.runs} (${which}; ${stats.finished} finished)`;
}

export function renderStats(stats: RunStats, coverage: StatsCoverage): string {
  if (stats.runs === 0) return "no runs yet: try `slipway demo`";
  const outcomes = Object.entries(stats.outcomes)
    .sort(([, a], [, b]) => b - a)
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(", ");
  return [
    `runs               ${coverageText(stats, coverage)}`,
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

/**
 * The newest `last` runs (all when undefined), page by page. Each keeps only the part of its state
 * the statistics read (the review record), so thousands of runs stay small in memory.
 */
export async function readRunsForStats(
  store: Store,
  last: number | undefined,
  onUnreadable: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<{ runs: Run[]; coverage: StatsCoverage }> {
  const total = await store.countRuns();
  const wanted = Math.min(last ?? total, total);
  const runs: Run[] = [];
  const unreadable: UnreadableRow[] = [];
  for (let offset = 0; offset < wanted; offset += pageSize) {
    const skippedBefore = unreadable.length;
    const page = await store.listRuns({
      limit: Math.min(pageSize, wanted - offset),
      offset,
      // A damaged row is left out of the numbers and reported, not a reason to show none.
      onUnreadable: (row) => unreadable.push(row),
    });
    runs.push(...page.map((run) => ({ ...run, state: { review: run.state.review } })));
    // Fewer than asked: runs were removed meanwhile, there is no more to read.
    if (page.length + unreadable.length - skippedBefore < Math.min(pageSize, wanted - offset)) break;
  }
  for (const { id, message } of unreadable) onUnreadable(`skipped run ${id}: ${message}`);
  return { runs, coverage: { counted: runs.length, total } };
}

export function registerStatsCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("stats")
    .description(
      "outcomes, judge veto rate, course-correction rate and cost across every run (or the last n)",
    )
    .option("--last <n>", "count only this many of the most recent runs (default: all)", positiveInteger)
    .option("--json", "print JSON", false)
    .action(async (flags: { last?: number; json: boolean }) => {
      const settings = loadAppSettings(global());
      const text = await withExistingStore(
        settings,
        async (app) => {
          const { runs, coverage } = await readRunsForStats(app.store, flags.last);
          const stats = computeRunStats(runs);
          return flags.json ? toJson({ ...stats, totalRuns: coverage.total }) : renderStats(stats, coverage);
        },
        () => (flags.json ? toJson({ ...computeRunStats([]), totalRuns: 0 }) : noStoreLine(settings.dataDir)),
      );
      process.stdout.write(`${text}\n`);
    });
}
