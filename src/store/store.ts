// The store contract: tasks, runs, the append-only event trace, pull requests. SQLite now, Postgres later; both
// must pass the same contract suite (store.contract.ts).
import type { Run, RunEvent, RunOutcome, RunStage, Task, Usage } from "../core/run.ts";
import type { RunState } from "../core/run-state.ts";
import type { BudgetLedger } from "./budget-ledger.ts";
import type { FollowUpStore } from "./follow-up-store.ts";
import type { PullRequestStore } from "./pull-request-store.ts";
import type { RunLease, RunQueue } from "./run-queue.ts";
import type { UnreadableRow } from "./unreadable-rows.ts";

/** Fields of a run that change while it runs; everything else is fixed at creation. */
export interface RunUpdate {
  stage?: RunStage;
  status?: Run["status"];
  outcome?: RunOutcome;
  outcomeDetail?: string;
  baseCommit?: string;
  commit?: string;
  worktree?: string | null;
  filesChanged?: string[];
  turns?: number;
  usage?: Usage;
  endedAt?: string;
  state?: RunState;
}

export interface RunListQuery {
  limit: number;
  /** Runs to skip first, newest first (for reading every run page by page). */
  offset?: number;
  taskId?: string;
  /**
   * When given, a row that cannot be read (invalid JSON, an unknown stage …) is skipped and reported
   * here instead of failing the whole list: read commands keep working on a partly damaged store.
   */
  onUnreadable?: (row: UnreadableRow) => void;
}

/** Tasks, runs and their trace; pull requests and branch pushes (see pull-request-store.ts); the run queue (run-queue.ts); the budget ledger (budget-ledger.ts). */
export interface Store extends PullRequestStore, FollowUpStore, RunQueue, BudgetLedger {
  createTask(task: Task): Promise<void>;
  getTask(id: string): Promise<Task | undefined>;
  /** Insert a new run. Its events start at seq 1. */
  createRun(run: Run): Promise<void>;
  /**
   * Apply `update` to the run in one transaction; throws StoreError(not_found) for an unknown id.
   * With `fence`, only while that lease is still held (unexpired, same worker and attempt), else
   * LeaseLostError: a worker that lost its run cannot overwrite the next attempt's record.
   */
  updateRun(id: string, update: RunUpdate, fence?: RunLease): Promise<Run>;
  /** Find a run by its full id or a unique prefix of it (at least 6 characters). */
  getRun(idOrPrefix: string): Promise<Run | undefined>;
  /** Newest first. */
  listRuns(query: RunListQuery): Promise<Run[]>;
  /** How many runs the store holds, all tasks together. */
  countRuns(): Promise<number>;
  /** Runs whose status is still `running` (for crash recovery; with leases, expireLeases decides). */
  listUnfinishedRuns(): Promise<Run[]>;
  /** The run that made commit `sha` on `branch`, if one did (how Slipway knows its own work). */
  findRunByCommit(branch: string, sha: string): Promise<Run | undefined>;
  /** Append one event; the store assigns `seq` and returns the stored event. `fence` as for updateRun. */
  appendEvent(event: Omit<RunEvent, "seq">, fence?: RunLease): Promise<RunEvent>;
  /** All events of a run, in order. */
  listEvents(runId: string): Promise<RunEvent[]>;
  close(): Promise<void>;
}
