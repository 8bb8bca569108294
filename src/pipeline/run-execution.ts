// Execution of one recorded run: its spec read back from the store, the forge of its repository,
// the mirror fetched and the base resolved, then the pipeline driven from the workspace stage.
// A later attempt (its worker lost the lease) first removes what the last one left.
import type { LanguageModel } from "ai";
import { toModelToolSet } from "../agent/model-tools.ts";
import { gateRun } from "../budget/budget-gate.ts";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { describeError, SlipwayError, StoreError, WorkspaceError } from "../core/errors.ts";
import { eventRow } from "../core/events/run-events.ts";
import type { Run, Task } from "../core/run.ts";
import { parseRunSpec, type RunSpec } from "../core/run-spec.ts";
import { withRunState } from "../core/run-state.ts";
import type { Forge } from "../forge/forge.ts";
import { forgeSettingsFor, openForge } from "../forge/registry.ts";
import { priceFor } from "../models/price-table.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import { sandboxLimitsFor } from "../sandbox/sandbox-options.ts";
import type { Store } from "../store/store.ts";
import { builtinTools } from "../tools/registry.ts";
import { ensureMirror } from "../workspace/mirror-cache.ts";
import type { ListedRefs } from "../workspace/mirror-current.ts";
import { resolveBaseRef } from "../workspace/worktree.ts";
import { drivePipeline } from "./drive-pipeline.ts";
import { removeRunLeftovers } from "./recover-runs.ts";
import { type ProgressEvent, type RunContext, type RunServices, recordEvent } from "./run-context.ts";
import { closeRunPlace, openRunPlace } from "./stage-workspace.ts";

export interface RunDependencies {
  store: Store;
  config: SlipwayConfig;
  dataDir: string;
  model: LanguageModel;
  modelName: string;
  sandboxBackend: SandboxBackend;
  onProgress: (event: ProgressEvent) => void;
  signal: AbortSignal;
  modelRetries?: number;
  /** The judge's model; absent when the judge is disabled. */
  judge?: RunServices["judge"];
  /** Where a forge reads its token from (only the variable `forge.*.tokenEnv` names); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Forge warnings before the run's context exists are kept and recorded once it does. */
export interface ForgeWarnings {
  onWarning: (message: string) => void;
  /** Send the kept warnings, and every later one, to `record`. */
  attach: (record: (message: string) => void) => void;
}

export function forgeWarnings(): ForgeWarnings {
  const kept: string[] = [];
  let sink: ((message: string) => void) | undefined;
  return {
    onWarning: (message) => (sink ? sink(message) : kept.push(message)),
    attach: (record) => {
      sink = record;
      for (const message of kept.splice(0)) record(message);
    },
  };
}

/** Build the forge of `source` (chosen per repository) before anything is written. */
export function openRunForge(deps: RunDependencies, source: string, warnings: ForgeWarnings): Promise<Forge> {
  return openForge({
    settings: forgeSettingsFor(deps.config, source),
    source,
    store: deps.store,
    env: deps.env ?? process.env,
    signal: deps.signal,
    onWarning: warnings.onWarning,
  });
}

async function loadRecordedRun(
  store: Store,
  runId: string,
): Promise<{ run: Run; task: Task; spec: RunSpec }> {
  const run = await store.getRun(runId);
  const task = run ? await store.getTask(run.taskId) : undefined;
  if (!run || !task) throw new StoreError(`run ${runId} is not in the store`, { code: "not_found" });
  return { run, task, spec: parseRunSpec(run.spec) };
}

/**
 * What an attempt needs before its stages: a clean start, the mirror, the base commit and the run's
 * place (its volume). The place is made while the mirror is fetched: neither needs the other.
 */
async function prepareAttempt(
  run: Run,
  spec: RunSpec,
  deps: RunDependencies,
  listedRefs?: ListedRefs,
): Promise<Run> {
  const { store } = deps;
  let current = run;
  if (current.attempt > 1) {
    // The last attempt's worker lost its lease: its worktree and volume are removed and the run
    // starts again from the workspace stage (the branch and the push lease keep it to one PR).
    const problem = await removeRunLeftovers(current);
    if (problem)
      throw new SlipwayError("workspace_failed", `cannot remove the last attempt's worktree: ${problem}`);
    current = await store.updateRun(current.id, { stage: "created", worktree: null });
  }
  const before = current;
  const [placed, mirrored] = await Promise.allSettled([
    openRunPlace(before, deps),
    (async () => {
      const { mirrorPath } = await ensureMirror(spec.repository, deps.dataDir, deps.signal, { listedRefs });
      const baseCommit = before.baseCommit ?? (await resolveBaseRef(mirrorPath, spec.baseRef, deps.signal));
      return { mirrorPath, baseCommit };
    })(),
  ]);
  if (mirrored.status === "rejected") {
    // The run ends before its stages: the volume made for it goes now (cleanup never runs).
    if (placed.status === "fulfilled") {
      await closeRunPlace(placed.value, before, store).catch((error: unknown) => {
        // Both are said: why the run could not start, and that its volume is left to remove.
        throw new WorkspaceError(
          `${describeError(mirrored.reason)}; the run's volume could not be removed either: ${describeError(error)}`,
          { cause: mirrored.reason },
        );
      });
    }
    throw mirrored.reason;
  }
  if (placed.status === "rejected") throw placed.reason;
  const { mirrorPath, baseCommit } = mirrored.value;
  try {
    return await store.updateRun(current.id, {
      baseCommit,
      state: withRunState(placed.value.state, { mirrorPath }),
    });
  } catch (error) {
    // The run ends before its stages here too. The volume is unmounted before the store is asked
    // to forget it; the store's failure is the error to report, so a second one is not.
    await closeRunPlace(placed.value, before, store).catch(() => undefined);
    throw error;
  }
}

/** A run that could not start ends here, with the reason in its trace. */
async function endBeforeStart(run: Run, error: unknown, deps: RunDependencies): Promise<Run> {
  const message = describeError(error);
  await deps.store.appendEvent(
    eventRow({
      runId: run.id,
      at: new Date().toISOString(),
      type: "run-error",
      stage: run.stage,
      data: { message, code: SlipwayError.isInstance(error) ? error.code : "internal" },
    }),
  );
  const ended = await deps.store.updateRun(run.id, {
    status: "finished",
    outcome: deps.signal.aborted ? "interrupted" : "error",
    outcomeDetail: message,
    endedAt: new Date().toISOString(),
  });
  await deps.store.appendEvent(
    eventRow({
      runId: run.id,
      at: new Date().toISOString(),
      type: "run-end",
      stage: ended.stage,
      data: { outcome: ended.outcome, detail: message },
    }),
  );
  return ended;
}

function servicesOf(deps: RunDependencies, forge: Forge): RunServices {
  return {
    store: deps.store,
    config: deps.config,
    dataDir: deps.dataDir,
    model: deps.model,
    price: priceFor(deps.modelName, deps.config.prices),
    sandboxBackend: deps.sandboxBackend,
    tools: builtinTools,
    modelTools: toModelToolSet(builtinTools),
    modelRetries: deps.modelRetries ?? 4,
    onProgress: deps.onProgress,
    judge: deps.judge,
    forge,
  };
}

/**
 * Execute the recorded run `runId` (status running) to its end and return the finished run. A run
 * that cannot start (its forge, mirror or base fails) is finished with outcome `error` and a
 * `run-error` event. `opened` is a forge the caller built already (and the warnings it gave), and
 * the source's refs when the caller listed them just now (checkBaseRef).
 */
export async function executeRecordedRun(
  runId: string,
  given: RunDependencies,
  opened?: { forge: Forge; warnings: ForgeWarnings; listedRefs?: ListedRefs },
): Promise<Run> {
  const startedAt = Date.now();
  // Budgets across runs: a spent one ends the run before any model call (src/budget/).
  const gated = await gateRun(runId, given);
  if ("ended" in gated) return gated.ended;
  const deps: RunDependencies = { ...given, store: gated.store };
  const recorded = await loadRecordedRun(deps.store, runId);
  const { task, spec } = recorded;
  const warnings = opened?.warnings ?? forgeWarnings();
  let run = recorded.run;
  let forge: Forge;
  try {
    forge = opened?.forge ?? (await openRunForge(deps, spec.repository, warnings));
    run = await prepareAttempt(run, spec, deps, opened?.listedRefs);
  } catch (error) {
    return endBeforeStart(run, error, deps);
  }
  const { mirrorPath } = run.state;
  const context: RunContext = {
    services: servicesOf(deps, forge),
    task,
    run,
    signal: deps.signal,
    startedAt,
    mirrorPath,
    gateFailures: 0,
  };
  warnings.attach(
    (message) => void recordEvent(context, "forge-warning", { message }).catch(() => undefined),
  );
  const started = {
    repo: spec.repository,
    baseRef: spec.baseRef,
    baseCommit: run.baseCommit,
    branch: run.branch,
    taskKey: spec.taskKey,
    forge: `${forge.name} ${forge.repository}`,
    model: deps.modelName,
    sandbox: deps.sandboxBackend.name,
    isolated: deps.sandboxBackend.isolates,
    sandboxLimits: sandboxLimitsFor(deps.config),
    limits: run.limits,
    priced: context.services.price !== undefined,
    judge: deps.judge?.modelName ?? null,
  };
  // A later attempt is a new segment of the same trace: it says which attempt it is.
  if (run.attempt > 1) await recordEvent(context, "run-attempt", { attempt: run.attempt, ...started });
  else await recordEvent(context, "run-start", { ...started, attempt: run.attempt });
  return drivePipeline(context);
}
