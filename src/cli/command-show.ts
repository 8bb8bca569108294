// `slipway show <run-id>`: the report and the whole trace of one run.
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { type GlobalOptions, openApp } from "./app-context.ts";
import { buildRunReport, renderRunReport } from "./run-report.ts";
import { renderTrace } from "./trace-format.ts";

export function registerShowCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("show")
    .description("print a run's report and its whole trace")
    .argument("<run-id>", "a run id or a unique prefix of one (6 characters or more)")
    .option("--json", "print JSON: run, task and events", false)
    .action(async (runId: string, flags: { json: boolean }) => {
      const app = await openApp(global());
      try {
        const run = await app.store.getRun(runId);
        if (!run)
          throw new InputError(`no run ${runId}: see \`slipway runs\` for the ids`, { code: "not_found" });
        const task = (await app.store.getTask(run.taskId))!;
        const events = await app.store.listEvents(run.id);
        const text = flags.json
          ? JSON.stringify({ run, task, events }, null, 2)
          : `${renderRunReport(buildRunReport(run, task)).trimStart()}\n\ntask\n    ${task.text.trim().split("\n").join("\n    ")}\n\ntrace\n${renderTrace(events)}`;
        process.stdout.write(`${text}\n`);
      } finally {
        await app.store.close();
      }
    });
}
