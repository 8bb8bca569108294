// `slipway logs [-f] RUN`: a run's events, from any process; -f follows them until the run ends.
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { followRunEvents } from "../runs/follow-run-events.ts";
import { type GlobalOptions, loadAppSettings, noStoreLine, withExistingStore } from "./app-context.ts";
import { positiveNumber } from "./option-parsers.ts";
import { watchStdoutClosed } from "./output/stdout-closed.ts";
import { renderTraceEvent } from "./trace-format.ts";

interface LogsFlags {
  follow: boolean;
  json: boolean;
  timeout?: number;
}

export function registerLogsCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("logs")
    .description("print a run's events; -f follows a queued or running run until it ends")
    .argument("<run-id>", "a run id or a unique prefix of one (6 characters or more)")
    .option("-f, --follow", "keep printing new events until the run ends", false)
    .option("--timeout <seconds>", "stop following after this long", positiveNumber)
    .option("--json", "one JSON object per event and line", false)
    .action(async (runId: string, flags: LogsFlags) => {
      const settings = loadAppSettings(global());
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      const timer = flags.timeout ? setTimeout(onSignal, flags.timeout * 1000) : undefined;
      try {
        const finished = await withExistingStore(
          settings,
          async (app) => {
            const run = await app.store.getRun(runId);
            if (!run)
              throw new InputError(`no run ${runId}: see \`slipway runs\` for the ids`, {
                code: "not_found",
              });
            let startedAt: number | undefined;
            return followRunEvents(app.store, run.id, {
              follow: flags.follow,
              pollMs: settings.config.queue.pollSeconds * 1000,
              // A reader that closed stdout (`| head`) ends following too.
              signal: AbortSignal.any([stop.signal, watchStdoutClosed()]),
              onEvent: (event) => {
                startedAt ??= Date.parse(event.at);
                process.stdout.write(
                  `${flags.json ? JSON.stringify(event) : renderTraceEvent(event, startedAt)}\n`,
                );
              },
            });
          },
          () => {
            throw new InputError(`no run ${runId}: ${noStoreLine(settings.dataDir)}`, { code: "not_found" });
          },
        );
        // Following stopped before the run ended (timeout, Ctrl-C): say so in the exit code.
        if (flags.follow && !finished && !watchStdoutClosed().aborted) process.exitCode = 1;
      } finally {
        clearTimeout(timer);
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
      }
    });
}
