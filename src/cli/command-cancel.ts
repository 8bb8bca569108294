// `slipway cancel RUN`: a queued run ends cancelled at once; a running one is stopped by its worker.
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { type GlobalOptions, loadAppSettings, noStoreLine, withExistingStore } from "./app-context.ts";

const messages = {
  cancelled: "cancelled (it had not started)",
  signalled: "cancel requested: the process running it stops it within seconds (outcome cancelled)",
  finished: "already finished: nothing to cancel",
} as const;

export function registerCancelCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("cancel")
    .description("cancel a queued or running run (its worker stops the agent, checks and sandbox)")
    .argument("<run-id>", "a run id or a unique prefix of one (6 characters or more)")
    .action(async (runId: string) => {
      const settings = loadAppSettings(global());
      const notFound = (where: string): InputError =>
        new InputError(`no run ${runId}: ${where}`, { code: "not_found" });
      const line = await withExistingStore(
        settings,
        async (app) => {
          const run = await app.store.getRun(runId);
          if (!run) throw notFound("see `slipway runs` for the ids");
          const result = await app.store.requestCancel(run.id);
          if (result === "unknown") throw notFound("see `slipway runs` for the ids");
          return `run ${run.id}: ${messages[result]}`;
        },
        () => {
          throw notFound(noStoreLine(settings.dataDir));
        },
        // It writes the cancel flag: a store that failed its integrity check refuses it.
        "writes",
      );
      process.stdout.write(`${line}\n`);
    });
}
