// Starts one run: checks every input before anything is written, records the task and the run,
// then drives the pipeline. Bad input fails here with one clear line and leaves nothing behind.
import { hostname } from "node:os";
import type { LanguageModel } from "ai";
import { toModelToolSet } from "../agent/model-tools.ts";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { newId, shortId } from "../core/ids.ts";
import type { Run, Task } from "../core/run.ts";
import type { TaskGuardGrants } from "../judge/review/guard-policy-sources.ts";
import { priceFor } from "../models/price-table.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import type { Store } from "../store/store.ts";
import { builtinTools } from "../tools/registry.ts";
import { ensureMirror } from "../workspace/mirror-cache.ts";
import { resolveRepoSource } from "../workspace/repo-source.ts";
import { resolveBaseRef } from "../workspace/worktree.ts";
import { taskTitle } from "./commit-message.ts";
import { drivePipeline } from "./drive-pipeline.ts";
import { type ProgressEvent, type RunContext, type RunServices, recordEvent } from "./run-context.ts";

export interface RunRequest {
  repo: string;
  taskText: string;
  baseRef: string;
  requestedBy?: Task["requestedBy"];
  /** The task's own scope for the guards (paths it may touch, protected files it may change). */
  guardGrants?: TaskGuardGrants;
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
}

function newRun(
  task: Task,
  deps: RunDependencies,
  baseCommit: string,
  state: { mirrorPath: string; guardGrants: TaskGuardGrants },
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
    branch: `slipway/${shortId(task.id)}`,
    baseCommit,
    filesChanged: [],
    turns: 0,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    startedAt: new Date().toISOString(),
    ownerPid: process.pid,
    ownerHost: hostname(),
    state: { ...state },
  };
}

/** Validate the request, record the run and drive it to its end. */
export async function startRun(request: RunRequest, deps: RunDependencies): Promise<Run> {
  const startedAt = Date.now();
  const source = await resolveRepoSource(request.repo);
  const { mirrorPath } = await ensureMirror(source, deps.dataDir, deps.signal);
  const baseCommit = await resolveBaseRef(mirrorPath, request.baseRef);
  const task: Task = {
    id: newId("task"),
    text: request.taskText,
    title: taskTitle(request.taskText),
    repo: source,
    baseRef: request.baseRef,
    createdAt: new Date().toISOString(),
    requestedBy: request.requestedBy,
  };
  await deps.store.createTask(task);
  const run = newRun(task, deps, baseCommit, { mirrorPath, guardGrants: request.guardGrants ?? {} });
  await deps.store.createRun(run);
  const context: RunContext = {
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
    model: deps.modelName,
    sandbox: deps.sandboxBackend.name,
    isolated: deps.sandboxBackend.isolates,
    limits: run.limits,
    priced: context.services.price !== undefined,
    judge: deps.judge?.modelName ?? null,
  });
  return drivePipeline(context);
}
