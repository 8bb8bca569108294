// Execution of a recorded run by id, as a worker does it: the model, judge and sandbox are built
// from the worker's configuration with the run's spec over it, then the pipeline runs to its end.
import { StoreError } from "../core/errors.ts";
import type { Run } from "../core/run.ts";
import { parseRunSpec } from "../core/run-spec.ts";
import type { ProgressEvent } from "../pipeline/run-context.ts";
import { executeRecordedRun } from "../pipeline/run-execution.ts";
import { prepareAgentServices, recordedRunsOf } from "./agent-services.ts";
import type { AppContext } from "./app-context.ts";
import { settingsForSpec } from "./run-spec-settings.ts";

export interface ExecuteRunOptions {
  /** The worker's settings and the store it records through. */
  app: AppContext;
  /** Stops the run: aborted with a RunCancellation it ends as cancelled, otherwise as interrupted. */
  signal: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** Execute the claimed run `runId` to its end; throws when its spec or services cannot be built. */
export async function executeRun(runId: string, options: ExecuteRunOptions): Promise<Run> {
  const { app } = options;
  const recorded = await app.store.getRun(runId);
  if (!recorded) throw new StoreError(`run ${runId} is not in the store`, { code: "not_found" });
  const settings = settingsForSpec(app, parseRunSpec(recorded.spec));
  const agent = await prepareAgentServices(settings, recordedRunsOf(app.store));
  try {
    return await executeRecordedRun(runId, {
      store: app.store,
      config: settings.config,
      dataDir: settings.dataDir,
      model: agent.model,
      modelName: agent.modelName,
      sandboxBackend: agent.sandboxBackend,
      judge: agent.judge,
      env: settings.env,
      onProgress: options.onProgress ?? (() => {}),
      signal: options.signal,
    });
  } finally {
    await agent.close();
  }
}
