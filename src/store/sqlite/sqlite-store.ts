// The embedded store: tasks, runs and their event trace in one SQLite file (node:sqlite, WAL mode).
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { StoreError } from "../../core/errors.ts";
import type { Run, RunEvent, Task } from "../../core/run.ts";
import { refuseWrites } from "../damaged-store.ts";
import type { RunLease } from "../run-queue.ts";
import { applyRunUpdate } from "../run-update.ts";
import type { RunListQuery, RunUpdate, Store } from "../store.ts";
import { readRows } from "../unreadable-rows.ts";
import { SqliteBranchPushes } from "./sqlite-branch-pushes.ts";
import { SqliteBudgetLedger } from "./sqlite-budget-ledger.ts";
import { SqliteFollowUps } from "./sqlite-follow-ups.ts";
import { defaultBusyWaitMs, guarded } from "./sqlite-guard.ts";
import { type IntegrityCheckMode, openDatabase } from "./sqlite-open.ts";
import { SqlitePullRequests } from "./sqlite-pull-requests.ts";
import { SqliteQueue } from "./sqlite-queue.ts";
import {
  eventColumns,
  eventToParams,
  insertSql,
  type Row,
  type RowParams,
  rowToEvent,
  rowToRun,
  rowToTask,
  runColumns,
  runToParams,
  taskColumns,
  taskToParams,
} from "./sqlite-rows.ts";
import { storeFailure } from "./store-failure.ts";
import { inImmediateTransaction } from "./transaction.ts";

/** The shortest run id prefix `getRun` resolves; shorter ones only match a full id. */
const minimumPrefixLength = 6;

const updateRunSql = `UPDATE runs SET ${runColumns
  .filter((column) => column !== "id")
  .map((column) => `${column} = $${column}`)
  .join(", ")} WHERE id = $id`;

class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #location: string;
  readonly #pullRequests: SqlitePullRequests;
  readonly #followUps: SqliteFollowUps;
  readonly #queue: SqliteQueue;
  readonly #branchPushes: SqliteBranchPushes;
  readonly #ledger: SqliteBudgetLedger;
  readonly #busyWaitMs: number;

  constructor(db: DatabaseSync, location: string, busyWaitMs: number) {
    this.#db = db;
    this.#location = location;
    this.#busyWaitMs = busyWaitMs;
    this.#pullRequests = new SqlitePullRequests(db, location, busyWaitMs);
    this.#followUps = new SqliteFollowUps(db, location, busyWaitMs);
    this.#queue = new SqliteQueue(db, location, busyWaitMs);
    this.#ledger = new SqliteBudgetLedger(db, location, busyWaitMs);
    this.#branchPushes = new SqliteBranchPushes(db, location, busyWaitMs);
  }

  // The run queue (leases, cancel, events after a seq) lives in sqlite-queue.ts.
  enqueueRun: Store["enqueueRun"] = (runId) => this.#queue.enqueueRun(runId);
  claimRun: Store["claimRun"] = (workerId, leaseMs, limits) =>
    this.#queue.claimRun(workerId, leaseMs, limits);
  holdRun: Store["holdRun"] = (runId, holderId, leaseMs) => this.#queue.holdRun(runId, holderId, leaseMs);
  renewLease: Store["renewLease"] = (lease, leaseMs) => this.#queue.renewLease(lease, leaseMs);
  releaseRun: Store["releaseRun"] = (lease) => this.#queue.releaseRun(lease);
  expireLeases: Store["expireLeases"] = (now, maxAttempts) => this.#queue.expireLeases(now, maxAttempts);
  requestCancel: Store["requestCancel"] = (runId) => this.#queue.requestCancel(runId);
  cancelRequested: Store["cancelRequested"] = (runId) => this.#queue.cancelRequested(runId);
  listEventsAfter: Store["listEventsAfter"] = (runId, afterSeq, limit) =>
    this.#queue.listEventsAfter(runId, afterSeq, limit);

  // The budget ledger lives in sqlite-budget-ledger.ts.
  recordSpend: Store["recordSpend"] = (record) => this.#ledger.recordSpend(record);
  spendByRepository: Store["spendByRepository"] = (day) => this.#ledger.spendByRepository(day);

  // Pull requests, comments and branch pushes live in sqlite-pull-requests.ts.
  claimFollowUp: Store["claimFollowUp"] = (claim) => this.#followUps.claimFollowUp(claim);
  attachFollowUpRun: Store["attachFollowUpRun"] = (key, trigger, runId) =>
    this.#followUps.attachFollowUpRun(key, trigger, runId);
  countFollowUps: Store["countFollowUps"] = (key, kind) => this.#followUps.countFollowUps(key, kind);
  createPullRequest: Store["createPullRequest"] = (record) => this.#pullRequests.createPullRequest(record);
  savePullRequest: Store["savePullRequest"] = (record) => this.#pullRequests.savePullRequest(record);
  updatePullRequest: Store["updatePullRequest"] = (key, update) =>
    this.#pullRequests.updatePullRequest(key, update);
  getPullRequest: Store["getPullRequest"] = (key) => this.#pullRequests.getPullRequest(key);
  listPullRequests: Store["listPullRequests"] = (query) => this.#pullRequests.listPullRequests(query);
  addPullRequestComment: Store["addPullRequestComment"] = (key, comment) =>
    this.#pullRequests.addPullRequestComment(key, comment);
  listPullRequestComments: Store["listPullRequestComments"] = (key) =>
    this.#pullRequests.listPullRequestComments(key);
  recordBranchPush: Store["recordBranchPush"] = (push) => this.#branchPushes.recordBranchPush(push);
  lastBranchPush: Store["lastBranchPush"] = (key) => this.#branchPushes.lastBranchPush(key);

  async createTask(task: Task): Promise<void> {
    await this.#guard(`create task ${task.id}`, () => {
      this.#db.prepare(insertSql("tasks", taskColumns)).run(taskToParams(task));
    });
  }

  async getTask(id: string): Promise<Task | undefined> {
    return this.#guard(`read task ${id}`, () => {
      const row = this.#db.prepare("SELECT * FROM tasks WHERE id = ?").get(id);
      return row ? rowToTask(row, this.#location) : undefined;
    });
  }

  async createRun(run: Run): Promise<void> {
    await this.#guard(`create run ${run.id}`, () =>
      inImmediateTransaction(this.#db, () => {
        if (!this.#db.prepare("SELECT 1 FROM tasks WHERE id = ?").get(run.taskId)) {
          throw new StoreError(
            `cannot create run ${run.id}: its task ${run.taskId} is not in ${this.#location}`,
            {
              code: "not_found",
              details: { runId: run.id, taskId: run.taskId },
            },
          );
        }
        this.#db.prepare(insertSql("runs", runColumns)).run(runToParams(run));
      }),
    );
  }

  async updateRun(id: string, update: RunUpdate, fence?: RunLease): Promise<Run> {
    return this.#guard(`update run ${id}`, () =>
      inImmediateTransaction(this.#db, () => {
        if (fence) this.#queue.assertHeld({ ...fence, runId: id });
        const current = this.#readRun(id);
        if (!current) {
          throw new StoreError(`no run ${id} in ${this.#location}: see \`slipway runs\` for the ids`, {
            code: "not_found",
            details: { runId: id },
          });
        }
        this.#db.prepare(updateRunSql).run(runToParams(applyRunUpdate(current, update)));
        return this.#readRun(id)!;
      }),
    );
  }

  async getRun(idOrPrefix: string): Promise<Run | undefined> {
    return this.#guard(`read run ${idOrPrefix}`, () => {
      const exact = this.#readRun(idOrPrefix);
      if (exact || idOrPrefix.length < minimumPrefixLength) return exact;
      const matches = this.#db
        .prepare("SELECT id FROM runs WHERE substr(id, 1, length($prefix)) = $prefix ORDER BY id LIMIT 4")
        .all({ prefix: idOrPrefix })
        .map((row) => String(row.id));
      if (matches.length > 1) {
        const listed = matches.length > 3 ? `${matches.slice(0, 3).join(", ")}, …` : matches.join(", ");
        throw new StoreError(
          `run id prefix "${idOrPrefix}" matches several runs (${listed}): type more characters of the id`,
          { code: "input_invalid", details: { prefix: idOrPrefix, matches } },
        );
      }
      return matches[0] === undefined ? undefined : this.#readRun(matches[0]);
    });
  }

  async listRuns(query: RunListQuery): Promise<Run[]> {
    const offset = query.offset ?? 0;
    for (const [name, value] of [
      ["limit", query.limit],
      ["offset", offset],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) {
        throw new StoreError(`cannot list runs: the ${name} must be a whole number ≥ 0, got ${value}`, {
          details: { [name]: value },
        });
      }
    }
    return this.#guard("list runs", () => {
      const params: RowParams = { limit: query.limit, offset };
      if (query.taskId !== undefined) params.taskId = query.taskId;
      const where = query.taskId === undefined ? "" : "WHERE task_id = $taskId";
      const sql = `SELECT * FROM runs ${where} ORDER BY started_at DESC, id DESC LIMIT $limit OFFSET $offset`;
      const rows = this.#db.prepare(sql).all(params);
      return readRows(rows, (row) => rowToRun(row, this.#location), query.onUnreadable);
    });
  }

  async countRuns(): Promise<number> {
    return this.#guard("count runs", () =>
      Number(this.#db.prepare("SELECT count(*) AS runs FROM runs").get()?.runs ?? 0),
    );
  }

  async listUnfinishedRuns(): Promise<Run[]> {
    return this.#guard("list unfinished runs", () =>
      this.#toRuns(
        this.#db.prepare("SELECT * FROM runs WHERE status = 'running' ORDER BY started_at, id").all(),
      ),
    );
  }

  async findRunByCommit(branch: string, sha: string): Promise<Run | undefined> {
    return this.#guard(`find the run of commit ${sha}`, () => {
      const sql =
        "SELECT * FROM runs WHERE branch = $branch AND commit_sha = $sha ORDER BY started_at LIMIT 1";
      return this.#toRuns(this.#db.prepare(sql).all({ branch, sha }))[0];
    });
  }

  async appendEvent(event: Omit<RunEvent, "seq">, fence?: RunLease): Promise<RunEvent> {
    return this.#guard(`append an event to run ${event.runId}`, () =>
      inImmediateTransaction(this.#db, () => {
        if (fence) this.#queue.assertHeld({ ...fence, runId: event.runId });
        if (!this.#db.prepare("SELECT 1 FROM runs WHERE id = ?").get(event.runId)) {
          throw new StoreError(`cannot append an event: no run ${event.runId} in ${this.#location}`, {
            code: "not_found",
            details: { runId: event.runId },
          });
        }
        // Under the write lock of BEGIN IMMEDIATE no other connection can take the same seq.
        const next = this.#db
          .prepare("SELECT coalesce(max(seq), 0) + 1 AS seq FROM run_events WHERE run_id = ?")
          .get(event.runId);
        const params = eventToParams({ ...event, seq: Number(next?.seq) });
        const stored = this.#db.prepare(`${insertSql("run_events", eventColumns)} RETURNING *`).get(params);
        return rowToEvent(stored!, this.#location);
      }),
    );
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    return this.#guard(`read the events of run ${runId}`, () =>
      this.#db
        .prepare("SELECT * FROM run_events WHERE run_id = ? ORDER BY seq")
        .all(runId)
        .map((row) => rowToEvent(row, this.#location)),
    );
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  #guard<T>(action: string, work: () => T): Promise<T> {
    return guarded(action, this.#location, work, this.#busyWaitMs);
  }

  #readRun(id: string): Run | undefined {
    const row = this.#db.prepare("SELECT * FROM runs WHERE id = ?").get(id);
    return row ? rowToRun(row, this.#location) : undefined;
  }

  #toRuns(rows: Row[]): Run[] {
    return rows.map((row) => rowToRun(row, this.#location));
  }
}

export interface SqliteStoreOptions {
  /** How long a call waits (asynchronously) for another process's write lock; default 5 s. */
  busyWaitMs?: number;
  /**
   * `always` (the default) runs quick_check at every open; `interval` at most once an hour while
   * the file is the one last found sound (integrity-check-memo.ts); `never` for reading commands,
   * which skip rows they cannot parse and write nothing.
   */
  integrityCheck?: IntegrityCheckMode;
}

/**
 * Open (creating if needed) the SQLite store at `filePath`: creates the parent directory, uses WAL
 * mode and foreign keys on, and applies pending migrations; waits out other processes' locks without
 * blocking the event loop. Throws StoreError when the file cannot be opened, is not a Slipway
 * database, or comes from a newer Slipway, StoreBusyError when it stays locked too long.
 */
export async function openSqliteStore(filePath: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const busyWaitMs = options.busyWaitMs ?? defaultBusyWaitMs;
  const location = path.resolve(filePath);
  try {
    await mkdir(path.dirname(location), { recursive: true });
  } catch (error) {
    // Node reports a read-only parent as ENOENT here: the cause is found from the file system.
    throw storeFailure("create the data directory", location, error);
  }
  const { db, damaged } = await guarded(
    "open the database",
    location,
    () => openDatabase(location, options.integrityCheck ?? "always"),
    busyWaitMs,
  );
  const store = new SqliteStore(db, location, busyWaitMs);
  return damaged === undefined ? store : refuseWrites(store, location, damaged);
}
