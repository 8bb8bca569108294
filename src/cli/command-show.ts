// `slipway show <run-id>`: the report and the whole trace of one run.
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { type GlobalOptions, loadAppSettings, noStoreLine, withExistingStore } from "./app-context.ts";
import { toJson } from "./output/figures.ts";
import { runTotals } from "./output/run-totals.ts";
import { terminalSafe } from "./output/terminal-text.ts";
import { buildRunReport, renderRunReport } from "./run-report.ts";
import { renderTrace } from "./trace-format.ts";

export function registerShowCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("show")
    .description("print a run's report and its whole trace")
    .argument("<run-id>", "a run id or a unique prefix of one (6 characters or more)")
    .option("--json", "print JSON: run, task and events", false)
    .action(async (runId: string, flags: { json: boolean }) => {
      const settings = loadAppSettings(global());
      const notFound = (where: string): InputError =>
        new InputError(`no run ${runId}: ${where}`, { code: "not_found" });
      const text = await withExistingStore(
        settings,
        async (app) => {
          const run = await app.store.getRun(runId);
          if (!run) throw notFound("see `slipway runs` for the ids");
          const task = (await app.store.getTask(run.taskId))!;
          const events = await app.store.listEvents(run.id);
          return flags.json
            ? toJson({ run: { ...run, totals: runTotals(run) }, task, events })
            : // The report and task quote the agent's and an issue's text: nothing of it acts on the terminal.
              terminalSafe(
                `${renderRunReport(buildRunReport(run, task)).trimStart()}\n\ntask\n    ${task.text.trim().split("\n").join("\n    ")}\n\ntrace\n${renderTrace(events)}`,
              );
        },
        () => {
          throw notFound(noStoreLine(settings.dataDir));
        },
      );
      process.stdout.write(`${text}\n`);
    });
}
