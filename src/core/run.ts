// Domain types of a run: the task it serves, its stages and outcomes, its usage and its limits.
import type { RunState } from "./run-state.ts";

/** Every way a run can end. Each limit has its own outcome so reports can count them apart. */
export const runOutcomes = [
  "success",
  "no_change",
  "verify_failed",
  "guard_failed",
  "vetoed",
  "judge_failed",
  "turn_limit",
  "time_limit",
  "token_limit",
  "cost_limit",
  "model_failed",
  "publish_failed",
  "setup_failed",
  "error",
  "interrupted",
  "cancelled",
  "budget_exhausted",
  // Another run of the same task held its branch: this one stood down (issue 14).
  "task_busy",
] as const;
export type RunOutcome = (typeof runOutcomes)[number];

/** The pipeline's stages, in order. A run's `stage` is the one it is in or last finished. */
export const runStages = [
  "created",
  "workspace",
  "setup",
  "agent",
  "gate",
  "review",
  "commit",
  "publish",
  "cleanup",
  "done",
] as const;
export type RunStage = (typeof runStages)[number];

/** `queued`: waiting in the store's queue for a worker (run-queue.ts); `running`: leased by one. */
export type RunStatus = "queued" | "running" | "finished";

export interface Task {
  id: string;
  /** The end state as the person wrote it. */
  text: string;
  /** First line of the text, used for the commit subject and listings. */
  title: string;
  /** Where the repository comes from: an absolute local path or a git URL. */
  repo: string;
  baseRef: string;
  /**
   * What makes a re-run "the same task": its branch is `slipway/<key>`, so it updates the same
   * pull request. Given (`--task-key`) or derived from repository, base ref and task text.
   */
  key?: string;
  createdAt: string;
  /** Who asked, for commit authorship, when known. */
  requestedBy?: { name: string; email: string };
}

export interface RunLimits {
  maxTurns: number;
  maxMinutes: number;
  maxTokens: number;
  maxCostUsd: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export const emptyUsage: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}

export interface Run {
  id: string;
  taskId: string;
  status: RunStatus;
  stage: RunStage;
  outcome?: RunOutcome;
  /** One line on why the run ended as it did. */
  outcomeDetail?: string;
  /** `provider:model`, e.g. `anthropic:claude-sonnet-4-5`. */
  model: string;
  sandbox: string;
  limits: RunLimits;
  branch: string;
  baseCommit?: string;
  commit?: string;
  worktree?: string;
  filesChanged: string[];
  turns: number;
  usage: Usage;
  startedAt: string;
  endedAt?: string;
  /** How many times a worker has claimed the run (0 while first queued); bounded by maxAttempts. */
  attempt: number;
  /** The serialised run spec (JSON) a worker needs to start or restart the run; parsed by the runs layer. */
  spec?: unknown;
  /** The process that last worked on the run, for display only: leases, not pids, decide liveness. */
  ownerPid: number;
  ownerHost: string;
  /**
   * Stage-specific state saved after each stage, so a stage can pick up what the last one left.
   * Stored as JSON and parsed by the store when a run is read (run-state.ts's RunState and
   * readRunState: a damaged key is left out); a stage adds keys with `withRunState`.
   */
  state: RunState;
}

/**
 * One entry of the append-only trace, as stored. `type` is noun-verb: `run-start`, `tool-call`,
 * `verify-end`; events/run-events.ts declares every type's `data` and reads rows typed (readRunEvent).
 */
export interface RunEvent {
  runId: string;
  seq: number;
  at: string;
  type: string;
  stage: RunStage;
  data: Record<string, unknown>;
}
