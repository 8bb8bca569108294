// `slipway runs`: list past runs, newest first.
import type { Command } from "commander";
import type { Run } from "../core/run.ts";
import { formatCost, formatDuration, formatTokens, toJson } from "../report/figures.ts";
import { runTotals } from "../report/run-totals.ts";
import { type GlobalOptions, loadAppSettings, noStoreLine, withExistingStore } from "./app-context.ts";
import { oneLine, renderTable } from "./format.ts";
import { positiveInteger } from "./option-parsers.ts";
import { terminalSafe } from "./output/terminal-text.ts";

function durationOf(run: Run): string {
  if (!run.endedAt) return run.status === "queued" ? "queued" : "running";
  return formatDuration(Date.parse(run.endedAt) - Date.parse(run.startedAt));
}

export function renderRunsTable(rows: { run: Run; title: string }[]): string {
  if (rows.length === 0) return "no runs yet: try `slipway demo`";
  const header = ["RUN", "STARTED", "OUTCOME", "TURNS", "TOKENS", "COST", "DURATION", "TASK"];
  const body = rows.map(({ run, title }) => {
    // Agent and judge together, as the report, `show` and `stats` print them.
    const totals = runTotals(run);
    return [
      run.id,
      run.startedAt.replace("T", " ").slice(0, 19),
      run.outcome ?? (run.status === "queued" ? "queued" : run.stage),
      String(run.turns),
      formatTokens(totals.inputTokens + totals.outputTokens),
      formatCost(totals.totalCostUsd),
      durationOf(run),
      oneLine(title, 50),
    ];
  });
  return renderTable(header, body);
}

export function registerRunsCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("runs")
    .description("list past runs, newest first")
    .option("--limit <n>", "how many", positiveInteger, 20)
    .option("--json", "print JSON", false)
    .action(async (flags: { limit: number; json: boolean }) => {
      const settings = loadAppSettings(global());
      const text = await withExistingStore(
        settings,
        async (app) => {
          // A damaged row is skipped with a line on stderr: the other runs still list.
          const runs = await app.store.listRuns({
            limit: flags.limit,
            onUnreadable: ({ id, message }) => process.stderr.write(`skipped run ${id}: ${message}\n`),
          });
          const rows = await Promise.all(
            runs.map(async (run) => ({ run, title: (await app.store.getTask(run.taskId))?.title ?? "" })),
          );
          return flags.json
            ? toJson(rows.map(({ run, title }) => ({ ...run, title, totals: runTotals(run) })))
            : // Task titles quote issues and users: nothing of them acts on the terminal.
              terminalSafe(renderRunsTable(rows));
        },
        () => (flags.json ? "[]" : noStoreLine(settings.dataDir)),
      );
      process.stdout.write(`${text}\n`);
    });
}
