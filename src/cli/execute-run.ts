// Runs one task for a command (run, demo) in this process: wires signals, progress and the final
// report around the shared service (runs/run-in-process.ts).
import type { LanguageModel } from "ai";
import { outcomeExitCodes } from "../core/exit-codes.ts";
import type { Run } from "../core/run.ts";
import type { RunServices } from "../pipeline/run-context.ts";
import type { RunRequest } from "../pipeline/start-run.ts";
import { runInProcess } from "../runs/run-in-process.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import type { AppContext } from "./app-context.ts";
import { toJson } from "./output/figures.ts";
import { createTerminalProgress } from "./output/live-progress.ts";
import { terminalSafe } from "./output/terminal-text.ts";
import { renderRunReport } from "./run-report.ts";

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
  if (!options.sandboxBackend.isolates) {
    process.stderr.write(
      "warning: sandbox 'none' — agent commands and verifiers run on this host without isolation\n",
    );
  }
  try {
    const { run, report } = await runInProcess({
      app,
      agent: options,
      request: options.request,
      signal: controller.signal,
      onProgress: json ? undefined : progress.event,
    });
    process.stdout.write(json ? `${toJson(report)}\n` : `${terminalSafe(renderRunReport(report))}\n`);
    return { run, exitCode: outcomeExitCodes[run.outcome ?? "error"] };
  } finally {
    progress.stop();
    process.removeListener("SIGINT", stop);
    process.removeListener("SIGTERM", stop);
  }
}
