// A run submitted and executed in this process (`slipway run`, `demo`, the API's submitRun): intake
// and execution back to back, stopped by the caller's signal or by `slipway cancel` from elsewhere.
import type { Run, Task } from "../core/run.ts";
import { type ProgressEvent, RunCancellation } from "../pipeline/run-context.ts";
import { type RunRequest, startRun } from "../pipeline/start-run.ts";
import type { AgentServices } from "./agent-services.ts";
import type { AppContext } from "./app-context.ts";
import { buildRunReport, type RunReport } from "./run-report.ts";

export interface RunInProcessOptions {
  app: AppContext;
  agent: Pick<AgentServices, "model" | "modelName" | "judge" | "sandboxBackend">;
  request: RunRequest;
  /** Stops the run (it ends as interrupted). */
  signal: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** Take `request` to its end here; resolves to the finished run, its task and its report. */
export async function runInProcess(
  options: RunInProcessOptions,
): Promise<{ run: Run; task: Task; report: RunReport }> {
  const { app, agent } = options;
  const controller = new AbortController();
  const forward = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) forward();
  options.signal.addEventListener("abort", forward, { once: true });
  // `slipway cancel` from another process: the run's id is known from its first event on.
  let runId: string | undefined;
  const watchCancel = setInterval(() => {
    if (runId === undefined || controller.signal.aborted) return;
    app.store
      .cancelRequested(runId)
      .then((asked) => asked && controller.abort(new RunCancellation()))
      // A store that cannot answer now is asked again at the next tick.
      .catch(() => undefined);
  }, app.config.queue.pollSeconds * 1000);
  try {
    const run = await startRun(options.request, {
      store: app.store,
      config: app.config,
      dataDir: app.dataDir,
      model: agent.model,
      modelName: agent.modelName,
      sandboxBackend: agent.sandboxBackend,
      judge: agent.judge,
      env: app.env,
      onProgress: (event) => {
        runId ??= event.runId;
        options.onProgress?.(event);
      },
      signal: controller.signal,
    });
    const task = (await app.store.getTask(run.taskId))!;
    return { run, task, report: buildRunReport(run, task) };
  } finally {
    clearInterval(watchCancel);
    options.signal.removeEventListener("abort", forward);
  }
}
