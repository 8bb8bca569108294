// Runs one task for a command (run, demo): wires signals, progress and the final report.
import type { LanguageModel } from "ai";
import { outcomeExitCodes } from "../core/exit-codes.ts";
import type { Run } from "../core/run.ts";
import { type ProgressEvent, RunCancellation, type RunServices } from "../pipeline/run-context.ts";
import { type RunRequest, startRun } from "../pipeline/start-run.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import type { AppContext } from "./app-context.ts";
import { toJson } from "./output/figures.ts";
import { createTerminalProgress } from "./output/live-progress.ts";
import { buildRunReport, renderRunReport } from "./run-report.ts";

export interface ExecuteRunOptions {
  app: AppContext;
  request: RunRequest;
  model: LanguageModel;
  modelName: string;
  sandboxBackend: SandboxBackend;
  judge: RunServices["judge"];
  json: boolean;
}

/** Run the task to its end; prints progress to stderr and the report to stdout; returns the exit code. */
export async function executeRun(options: ExecuteRunOptions): Promise<{ run: Run; exitCode: number }> {
  const { app, json } = options;
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error("stopped by signal"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const progress = createTerminalProgress(process.stderr, app.env);
  // `slipway cancel` from another terminal: the run's id is known from its first event on.
  let runId: string | undefined;
  const watchCancel = setInterval(() => {
    if (runId === undefined || controller.signal.aborted) return;
    app.store
      .cancelRequested(runId)
      .then((asked) => asked && controller.abort(new RunCancellation()))
      // A store that cannot answer now is asked again at the next tick.
      .catch(() => undefined);
  }, app.config.queue.pollSeconds * 1000);
  const onProgress = (event: ProgressEvent): void => {
    runId ??= event.runId;
    if (!json) progress.event(event);
  };
  if (!options.sandboxBackend.isolates) {
    process.stderr.write(
      "warning: sandbox 'none' — agent commands and verifiers run on this host without isolation\n",
    );
  }
  try {
    const run = await startRun(options.request, {
      store: app.store,
      config: app.config,
      dataDir: app.dataDir,
      model: options.model,
      modelName: options.modelName,
      sandboxBackend: options.sandboxBackend,
      judge: options.judge,
      env: app.env,
      onProgress,
      signal: controller.signal,
    });
    const task = (await app.store.getTask(run.taskId))!;
    const report = buildRunReport(run, task);
    process.stdout.write(json ? `${toJson(report)}\n` : `${renderRunReport(report)}\n`);
    return { run, exitCode: outcomeExitCodes[run.outcome ?? "error"] };
  } finally {
    clearInterval(watchCancel);
    progress.stop();
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
}
