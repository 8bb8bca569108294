// Starts one run: checks every input before anything is written, records the task and the run,
// then drives the pipeline. Bad input fails here with one clear line and leaves nothing behind.
import { hostname } from "node:os";
import type { LanguageModel } from "ai";
import { toModelToolSet } from "../agent/model-tools.ts";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { newId } from "../core/ids.ts";
import type { Run, Task } from "../core/run.ts";
import { openForge } from "../forge/registry.ts";
import type { TaskGuardGrants } from "../judge/review/guard-policy-sources.ts";
import { priceFor } from "../models/price-table.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import { sandboxLimitsFor } from "../sandbox/sandbox-options.ts";
import type { Store } from "../store/store.ts";
import { builtinTools } from "../tools/registry.ts";
import { ensureMirror } from "../workspace/mirror-cache.ts";
import { resolveRepoSource } from "../workspace/repo-source.ts";
import { resolveBaseRef } from "../workspace/worktree.ts";
import { taskTitle } from "./commit-message.ts";
import { drivePipeline } from "./drive-pipeline.ts";
import { type ProgressEvent, type RunContext, type RunServices, recordEvent } from "./run-context.ts";
import { branchForTaskKey, deriveTaskKey, validateTaskKey } from "./task-key.ts";

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
}

/** A follow-up run's link to its pull request and the run that opened it. */
export interface FollowUpLink {
  parentRunId: string | undefined;
  pullRequest: number;
  kind: "ci" | "review";
  /** The claimed trigger (`ci:<sha>`, `comment:<id>`). */
  trigger: string;
}

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

function newRun(
  task: Task,
  deps: RunDependencies,
  baseCommit: string,
  state: { mirrorPath: string; guardGrants: TaskGuardGrants; followUp?: FollowUpLink; originIssue?: number },
): Run {
  const { limits } = deps.config;
  return {
    id: newId("run"),
    taskId: task.id,
    status: "running",
    stage: "created",
    model: deps.modelName,
    sandbox: deps.sandboxBackend.name,
    limits: { ...limits },
    branch: branchForTaskKey(task.key!),
    baseCommit,
    filesChanged: [],
    turns: 0,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    startedAt: new Date().toISOString(),
    attempt: 1,
    ownerPid: process.pid,
    ownerHost: hostname(),
    state: { ...state },
  };
}

/** Validate the request, record the run and drive it to its end. */
export async function startRun(request: RunRequest, deps: RunDependencies): Promise<Run> {
  const startedAt = Date.now();
  const source = await resolveRepoSource(request.repo);
  const key =
    request.taskKey === undefined
      ? deriveTaskKey(source, request.baseRef, request.taskText)
      : validateTaskKey(request.taskKey);
  // Built before anything is written: a forge without a remote or a token fails the run up front.
  // Its warnings (a refused reviewer, drafts unsupported) land in the trace once the run exists.
  let context: RunContext | undefined;
  const forge = await openForge({
    settings: deps.config.forge,
    source,
    store: deps.store,
    env: deps.env ?? process.env,
    signal: deps.signal,
    onWarning: (message) => {
      if (context) void recordEvent(context, "forge-warning", { message }).catch(() => undefined);
    },
  });
  const { mirrorPath } = await ensureMirror(source, deps.dataDir, deps.signal);
  const baseCommit = await resolveBaseRef(mirrorPath, request.baseRef);
  const task: Task = {
    id: newId("task"),
    text: request.taskText,
    title: taskTitle(request.taskText),
    repo: source,
    baseRef: request.baseRef,
    key,
    createdAt: new Date().toISOString(),
    requestedBy: request.requestedBy,
  };
  await deps.store.createTask(task);
  const run = newRun(task, deps, baseCommit, {
    mirrorPath,
    guardGrants: request.guardGrants ?? {},
    ...(request.followUp ? { followUp: request.followUp } : {}),
    ...(request.originIssue ? { originIssue: request.originIssue } : {}),
  });
  await deps.store.createRun(run);
  context = {
    services: {
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
    },
    task,
    run,
    signal: deps.signal,
    startedAt,
    mirrorPath,
    gateFailures: 0,
  };
  await recordEvent(context, "run-start", {
    repo: source,
    baseRef: request.baseRef,
    baseCommit,
    branch: run.branch,
    taskKey: key,
    forge: `${forge.name} ${forge.repository}`,
    model: deps.modelName,
    sandbox: deps.sandboxBackend.name,
    isolated: deps.sandboxBackend.isolates,
    sandboxLimits: sandboxLimitsFor(deps.config),
    limits: run.limits,
    priced: context.services.price !== undefined,
    judge: deps.judge?.modelName ?? null,
  });
  return drivePipeline(context);
}
