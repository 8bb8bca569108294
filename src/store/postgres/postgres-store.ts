// The Postgres store: tasks, runs and their event trace in a shared database, for several Slipway
// processes or hosts. Same tables and row mappers as SQLite; the queue, pull requests and follow-ups
// live in their own modules.
import postgres, { type Sql } from "postgres";
import { StoreError } from "../../core/errors.ts";
import type { Run, RunEvent, Task } from "../../core/run.ts";
import type { RunLease } from "../run-queue.ts";
import { applyRunUpdate } from "../run-update.ts";
import {
  eventToParams,
  type Row,
  rowToEvent,
  rowToRun,
  rowToTask,
  runColumns,
  runToParams,
  taskToParams,
} from "../sqlite/sqlite-rows.ts";
import type { RunListQuery, RunUpdate, Store } from "../store.ts";
import { readRows } from "../unreadable-rows.ts";
import { PostgresBudgetLedger } from "./postgres-budget-ledger.ts";
import { PostgresFollowUps } from "./postgres-follow-ups.ts";
import { pgGuarded } from "./postgres-guard.ts";
import { applyPostgresMigrations } from "./postgres-migrations.ts";
import { PostgresPullRequests } from "./postgres-pull-requests.ts";
import { assertHeld, PostgresQueue } from "./postgres-queue.ts";

const minimumPrefixLength = 6;

/** Postgres rows hold the same value kinds as SQLite's for these tables (text, integer, null). */
export function asRows(rows: readonly object[]): Row[] {
  return rows as Row[];
}

function notFound(message: string, details: Record<string, unknown>): StoreError {
  return new StoreError(message, { code: "not_found", details });
}

class PostgresStore implements Store {
  readonly #sql: Sql;
  readonly #location: string;
  readonly #queue: PostgresQueue;
  readonly #pullRequests: PostgresPullRequests;
  readonly #followUps: PostgresFollowUps;
  readonly #ledger: PostgresBudgetLedger;

  constructor(sql: Sql, location: string) {
    this.#sql = sql;
    this.#location = location;
    this.#queue = new PostgresQueue(sql, location);
    this.#pullRequests = new PostgresPullRequests(sql, location);
    this.#followUps = new PostgresFollowUps(sql, location);
    this.#ledger = new PostgresBudgetLedger(sql, location);
  }

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
  recordSpend: Store["recordSpend"] = (record) => this.#ledger.recordSpend(record);
  spendByRepository: Store["spendByRepository"] = (day) => this.#ledger.spendByRepository(day);
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
  recordBranchPush: Store["recordBranchPush"] = (push) => this.#pullRequests.recordBranchPush(push);
  lastBranchPush: Store["lastBranchPush"] = (key) => this.#pullRequests.lastBranchPush(key);

  #guard<T>(action: string, work: () => Promise<T>): Promise<T> {
    return pgGuarded(action, this.#location, work);
  }

  async createTask(task: Task): Promise<void> {
    await this.#guard(
      `create task ${task.id}`,
      () => this.#sql`INSERT INTO tasks ${this.#sql(taskToParams(task))}`,
    );
  }

  async getTask(id: string): Promise<Task | undefined> {
    return this.#guard(`read task ${id}`, async () => {
      const [row] = asRows(await this.#sql`SELECT * FROM tasks WHERE id = ${id}`);
      return row ? rowToTask(row, this.#location) : undefined;
    });
  }

  async createRun(run: Run): Promise<void> {
    await this.#guard(`create run ${run.id}`, async () => {
      const [task] = await this.#sql`SELECT 1 FROM tasks WHERE id = ${run.taskId}`;
      if (!task) {
        throw notFound(`cannot create run ${run.id}: its task ${run.taskId} is not in ${this.#location}`, {
          runId: run.id,
          taskId: run.taskId,
        });
      }
      await this.#sql`INSERT INTO runs ${this.#sql(runToParams(run))}`;
    });
  }

  async updateRun(id: string, update: RunUpdate, fence?: RunLease): Promise<Run> {
    return this.#guard(`update run ${id}`, () =>
      this.#sql.begin(async (tx) => {
        if (fence) await assertHeld(tx, { ...fence, runId: id });
        const [row] = asRows(await tx`SELECT * FROM runs WHERE id = ${id} FOR UPDATE`);
        if (!row)
          throw notFound(`no run ${id} in ${this.#location}: see \`slipway runs\` for the ids`, {
            runId: id,
          });
        const params = runToParams(applyRunUpdate(rowToRun(row, this.#location), update));
        const columns = runColumns.filter((column) => column !== "id");
        const [updated] = asRows(
          await tx`UPDATE runs SET ${tx(params, columns)} WHERE id = ${id} RETURNING *`,
        );
        return rowToRun(updated!, this.#location);
      }),
    );
  }

  async getRun(idOrPrefix: string): Promise<Run | undefined> {
    return this.#guard(`read run ${idOrPrefix}`, async () => {
      const exact = await this.#readRun(idOrPrefix);
      if (exact || idOrPrefix.length < minimumPrefixLength) return exact;
      const rows = await this.#sql`
        SELECT id FROM runs WHERE substr(id, 1, ${idOrPrefix.length}) = ${idOrPrefix} ORDER BY id LIMIT 4`;
      const matches = rows.map((row) => String(row.id));
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
    return this.#guard("list runs", async () => {
      const where = query.taskId === undefined ? this.#sql`` : this.#sql`WHERE task_id = ${query.taskId}`;
      const rows = await this.#sql`
        SELECT * FROM runs ${where} ORDER BY started_at DESC, id DESC LIMIT ${query.limit} OFFSET ${offset}`;
      return readRows(asRows(rows), (row) => rowToRun(row, this.#location), query.onUnreadable);
    });
  }

  async countRuns(): Promise<number> {
    return this.#guard("count runs", async () => {
      const [row] = await this.#sql`SELECT count(*)::int AS runs FROM runs`;
      return Number(row?.runs ?? 0);
    });
  }

  async listUnfinishedRuns(): Promise<Run[]> {
    return this.#guard("list unfinished runs", async () =>
      asRows(await this.#sql`SELECT * FROM runs WHERE status = 'running' ORDER BY started_at, id`).map(
        (row) => rowToRun(row, this.#location),
      ),
    );
  }

  async findRunByCommit(branch: string, sha: string): Promise<Run | undefined> {
    return this.#guard(`find the run of commit ${sha}`, async () => {
      const [row] = asRows(
        await this
          .#sql`SELECT * FROM runs WHERE branch = ${branch} AND commit_sha = ${sha} ORDER BY started_at LIMIT 1`,
      );
      return row ? rowToRun(row, this.#location) : undefined;
    });
  }

  async appendEvent(event: Omit<RunEvent, "seq">, fence?: RunLease): Promise<RunEvent> {
    return this.#guard(`append an event to run ${event.runId}`, () =>
      this.#sql.begin(async (tx) => {
        if (fence) await assertHeld(tx, { ...fence, runId: event.runId });
        // Locking the run's row makes appenders of one run take turns, so no two take the same seq.
        const [run] = await tx`SELECT 1 FROM runs WHERE id = ${event.runId} FOR UPDATE`;
        if (!run) {
          throw notFound(`cannot append an event: no run ${event.runId} in ${this.#location}`, {
            runId: event.runId,
          });
        }
        const [next] =
          await tx`SELECT coalesce(max(seq), 0)::int + 1 AS seq FROM run_events WHERE run_id = ${event.runId}`;
        const params = eventToParams({ ...event, seq: Number(next?.seq) });
        const [stored] = asRows(await tx`INSERT INTO run_events ${tx(params)} RETURNING *`);
        return rowToEvent(stored!, this.#location);
      }),
    );
  }

  async listEvents(runId: string): Promise<RunEvent[]> {
    return this.#guard(`read the events of run ${runId}`, async () =>
      asRows(await this.#sql`SELECT * FROM run_events WHERE run_id = ${runId} ORDER BY seq`).map((row) =>
        rowToEvent(row, this.#location),
      ),
    );
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 5 });
  }

  async #readRun(id: string): Promise<Run | undefined> {
    const [row] = asRows(await this.#sql`SELECT * FROM runs WHERE id = ${id}`);
    return row ? rowToRun(row, this.#location) : undefined;
  }
}

export interface PostgresStoreOptions {
  /** A schema to keep the tables in (created if missing); default: the connection's, usually public. */
  schema?: string;
  /** Connections in the pool; default 4. */
  maxConnections?: number;
  /** How long a statement waits for another transaction's lock before StoreBusyError; default 5 s. */
  lockTimeoutMs?: number;
}

/** Every wait is bounded: a lock held by a stuck transaction fails the statement instead of hanging it. */
const statementTimeoutMs = 60_000;
const idleInTransactionTimeoutMs = 60_000;

/** `postgres://host:port/db` with no user or password, for messages. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.host}${parsed.pathname}`;
  } catch {
    return "the configured Postgres URL";
  }
}

/**
 * Connect to the Postgres store at `url` and apply pending migrations. Throws StoreError when the
 * server cannot be reached, refuses the login, or holds a schema from a newer Slipway.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const location = describePostgresUrl(url);
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
    throw new StoreError(`the schema name "${options.schema}" must be lower-case letters, digits and _`, {
      code: "input_invalid",
    });
  }
  const sql = postgres(url, {
    max: options.maxConnections ?? 4,
    connect_timeout: 10,
    idle_timeout: 30,
    onnotice: () => undefined,
    connection: {
      lock_timeout: options.lockTimeoutMs ?? 5000,
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: idleInTransactionTimeoutMs,
      ...(options.schema === undefined ? {} : { search_path: options.schema }),
    },
  });
  try {
    await pgGuarded("open the database", location, async () => {
      if (options.schema !== undefined) await sql`CREATE SCHEMA IF NOT EXISTS ${sql(options.schema)}`;
      await applyPostgresMigrations(sql, location);
    });
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
  return new PostgresStore(sql, location);
}
