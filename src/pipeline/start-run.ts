// Intake of one run: a request becomes a validated run spec, and the task and the run are recorded
// with it (queued for a worker, or running in this process). `startRun` is intake plus execution in
// this process, as `slipway run` does it. Bad input fails before anything is written.
import { hostname } from "node:os";
import { newId } from "../core/ids.ts";
import type { Run, Task } from "../core/run.ts";
import { parseRunSpec, type RunSpec } from "../core/run-spec.ts";
import { type RunState, withRunState } from "../core/run-state.ts";
import type { Forge } from "../forge/forge.ts";
import type { TaskGuardGrants } from "../judge/review/guard-policy-sources.ts";
import type { Store } from "../store/store.ts";
import type { ListedRefs } from "../workspace/mirror-current.ts";
import { resolveRepoSource } from "../workspace/repo-source.ts";
import { checkBaseRef, checkFollowUpBase } from "./check-base-ref.ts";
import { taskTitle } from "./commit-message.ts";
import { holdRunLease } from "./hold-run-lease.ts";
import { executeRecordedRun, forgeWarnings, openRunForge, type RunDependencies } from "./run-execution.ts";
import { branchForTaskKey, deriveTaskKey, validateTaskKey } from "./task-key.ts";

export type { RunDependencies } from "./run-execution.ts";

export interface RunRequest {
  repo: string;
  taskText: string;
  baseRef: string;
  requestedBy?: Task["requestedBy"];
  /** The task's own scope for the guards (paths it may touch, protected files it may change). */
  guardGrants?: TaskGuardGrants;
  /** Names the task across runs (its branch is `slipway/<key>`); derived from repo, base and text when absent. */
  taskKey?: string;
  /** Set on a follow-up run: the pull request it works on and what started it. */
  followUp?: FollowUpLink;
  /** The forge issue the task comes from: the pull request's link is commented there. */
  originIssue?: number;
  /**
   * The caller resolved `repo` (resolveRepoSource) and looked the base up there already (checkBaseRef,
   * before it opened the store).
   */
  baseChecked?: boolean;
  /** What that look-up listed: the run's mirror is not fetched when it holds exactly these refs. */
  listedRefs?: ListedRefs;
}

/** A follow-up run's link to its pull request and the run that opened it. */
export interface FollowUpLink {
  parentRunId: string | undefined;
  pullRequest: number;
  kind: "ci" | "review";
  /** The claimed trigger (`ci:<sha>`, `comment:<id>`). */
  trigger: string;
}

/** What the spec takes from the configuration rather than the request. */
export interface SpecSettings {
  model: string;
  sandbox: string;
  limits: RunSpec["limits"];
  judge: boolean;
}

/** The run spec of `request`; resolves the repository and the task key. Throws InputError on bad input. */
export async function specOfRequest(
  request: RunRequest,
  settings: SpecSettings,
  signal?: AbortSignal,
): Promise<RunSpec> {
  // A caller that checked the base resolved the repository for it: its git commands need not run twice.
  const repository = request.baseChecked ? request.repo : await resolveRepoSource(request.repo, signal);
  const taskKey =
    request.taskKey === undefined
      ? deriveTaskKey(repository, request.baseRef, request.taskText)
      : validateTaskKey(request.taskKey);
  const grants = request.guardGrants ?? {};
  const followUp = request.followUp;
  return parseRunSpec({
    version: 1,
    repository,
    baseRef: request.baseRef,
    taskText: request.taskText,
    taskKey,
    model: settings.model,
    sandbox: settings.sandbox,
    limits: {
      maxTurns: settings.limits.maxTurns,
      maxMinutes: settings.limits.maxMinutes,
      maxTokens: settings.limits.maxTokens,
      maxCostUsd: settings.limits.maxCostUsd,
    },
    guardGrants: {
      allowedPaths: grants.allowedPaths ?? [],
      allowProtected: grants.allowProtected ?? [],
      allowBinary: grants.allowBinary ?? [],
      ...(grants.allowSymlinks ? { allowSymlinks: grants.allowSymlinks } : {}),
    },
    ...(request.originIssue ? { originIssue: request.originIssue } : {}),
    ...(followUp
      ? {
          followUp: {
            ...(followUp.parentRunId ? { parentRunId: followUp.parentRunId } : {}),
            pullRequest: followUp.pullRequest,
            kind: followUp.kind,
            trigger: followUp.trigger,
          },
        }
      : {}),
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    judge: settings.judge,
  });
}

/** Check what intake can check without writing anything: the spec's shape and that its base exists. */
export async function validateRunSpec(spec: unknown, signal?: AbortSignal): Promise<RunSpec> {
  const parsed = parseRunSpec(spec);
  await checkBaseRef(parsed.repository, parsed.baseRef, signal);
  return parsed;
}

/** The state a run starts with: what its stages read of the spec (guards, follow-up, origin issue). */
function initialState(spec: RunSpec): RunState {
  return withRunState(
    {},
    {
      guardGrants: spec.guardGrants,
      ...(spec.followUp ? { followUp: { parentRunId: undefined, ...spec.followUp } } : {}),
      ...(spec.originIssue ? { originIssue: spec.originIssue } : {}),
    },
  );
}

/**
 * Record the task and the run of a validated spec: `queued` for a worker (the caller enqueues it),
 * or `running` in this process (attempt 1, owned by this process until it ends).
 */
export async function recordRun(
  spec: RunSpec,
  store: Store,
  status: "queued" | "running",
): Promise<{ task: Task; run: Run }> {
  const task: Task = {
    id: newId("task"),
    text: spec.taskText,
    title: taskTitle(spec.taskText),
    repo: spec.repository,
    baseRef: spec.baseRef,
    key: spec.taskKey,
    createdAt: new Date().toISOString(),
    requestedBy: spec.requestedBy,
  };
  await store.createTask(task);
  const inProcess = status === "running";
  const run: Run = {
    id: newId("run"),
    taskId: task.id,
    status,
    stage: "created",
    model: spec.model,
    sandbox: spec.sandbox,
    limits: { ...spec.limits },
    branch: branchForTaskKey(spec.taskKey),
    filesChanged: [],
    turns: 0,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    startedAt: new Date().toISOString(),
    attempt: inProcess ? 1 : 0,
    spec,
    ownerPid: process.pid,
    ownerHost: hostname(),
    state: { ...initialState(spec), ...(inProcess ? { owner: "process" } : {}) },
  };
  await store.createRun(run);
  return { task, run };
}

/**
 * A follow-up's base is its pull request's head, looked up on the forge's branch first. Returns the
 * source's refs when they were listed.
 */
async function checkRequestBase(
  spec: RunSpec,
  forge: Forge,
  signal: AbortSignal,
): Promise<ListedRefs | undefined> {
  if (!spec.followUp) return checkBaseRef(spec.repository, spec.baseRef, signal);
  const branch = branchForTaskKey(spec.taskKey);
  await checkFollowUpBase(spec.repository, spec.baseRef, () => forge.remoteBranchSha(branch, signal), signal);
  return undefined;
}

/** Validate the request, record the run and drive it to its end in this process. */
export async function startRun(request: RunRequest, deps: RunDependencies): Promise<Run> {
  const spec = await specOfRequest(
    request,
    {
      model: deps.modelName,
      sandbox: deps.sandboxBackend.name,
      limits: deps.config.limits,
      judge: deps.judge !== undefined,
    },
    deps.signal,
  );
  // Built before anything is written: a forge without a remote or a token fails the run up front.
  const warnings = forgeWarnings();
  const forge = await openRunForge(deps, spec.repository, warnings);
  const listedRefs = request.baseChecked
    ? request.listedRefs
    : await checkRequestBase(spec, forge, deps.signal);
  const { run } = await recordRun(spec, deps.store, "running");
  // Held by lease like a worker's run: if this process dies, the lease expires and any later
  // writing start (run, worker) ends the run, wherever this process ran.
  const held = await holdRunLease(deps.store, run.id, deps.config.queue.leaseSeconds * 1000);
  try {
    const signal = AbortSignal.any([deps.signal, held.lost]);
    return await executeRecordedRun(
      run.id,
      { ...deps, store: held.store, signal },
      { forge, warnings, listedRefs },
    );
  } finally {
    await held.release();
  }
}
