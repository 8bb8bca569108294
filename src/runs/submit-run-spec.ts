// Intake for runs a worker executes (`slipway run --detach`, and later the HTTP API): the spec is
// validated (its base looked up on the repository) before the store exists, then stored and queued.
import type { RunSpecInput } from "../core/run-spec.ts";
import { recordRun, validateRunSpec } from "../pipeline/start-run.ts";
import { type AppSettings, openAppStore } from "./app-context.ts";

export interface SubmittedRun {
  runId: string;
  taskId: string;
}

/**
 * Validate `spec` and queue its run; resolves to the run's id. Bad input (a malformed spec, an
 * unknown base) throws InputError and leaves nothing: no data directory, store, task, run or mirror.
 */
export async function submitRunSpec(spec: RunSpecInput, settings: AppSettings): Promise<SubmittedRun> {
  const validated = await validateRunSpec(spec);
  const app = await openAppStore(settings);
  try {
    const { task, run } = await recordRun(validated, app.store, "queued");
    await app.store.enqueueRun(run.id);
    return { runId: run.id, taskId: task.id };
  } finally {
    await app.store.close();
  }
}
