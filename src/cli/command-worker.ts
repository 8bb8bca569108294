// `slipway worker`: execute queued runs (from `slipway run --detach`) until stopped.
import type { Command } from "commander";
import { runWorker } from "../runs/worker.ts";
import { type GlobalOptions, loadAppSettings, openAppStore } from "./app-context.ts";
import { positiveInteger } from "./option-parsers.ts";
import { terminalSafe } from "./output/terminal-text.ts";

interface WorkerFlags {
  concurrency: number;
  once: boolean;
}

/** A worker's notice as a stderr line: it can quote a run's outcome detail (a model's error body). */
export function workerNoticeLine(notice: string): string {
  return `worker: ${terminalSafe(notice)}\n`;
}

export function registerWorkerCommand(program: Command, global: () => GlobalOptions): void {
  program
    .command("worker")
    .description(
      "execute queued runs (`slipway run --detach`) until stopped; many workers can share one data directory",
    )
    .option("--concurrency <n>", "runs executed at once by this worker", positiveInteger, 1)
    .option("--once", "exit when no run is left: none queued, none held by another worker", false)
    .action(async (flags: WorkerFlags) => {
      const settings = loadAppSettings(global());
      // Its loop sweeps expired leases at once and says what it requeued or ended.
      const app = await openAppStore(settings, { recover: false });
      const stop = new AbortController();
      // SIGTERM or Ctrl-C: claim nothing more; current runs finish, or are handed back after a lease.
      const onSignal = (): void => {
        process.stderr.write("worker: stopping: no new runs; waiting for the current ones\n");
        stop.abort();
      };
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
      try {
        const summary = await runWorker({
          app,
          concurrency: flags.concurrency,
          once: flags.once,
          stop: stop.signal,
          onNotice: (line) => process.stderr.write(workerNoticeLine(line)),
        });
        process.stderr.write(
          `worker: ${summary.finished.length} run(s) finished, ${summary.handedBack.length} handed back\n`,
        );
      } finally {
        process.removeListener("SIGTERM", onSignal);
        process.removeListener("SIGINT", onSignal);
        await app.store.close();
      }
    });
}
