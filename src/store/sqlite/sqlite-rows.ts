// Mapping between domain values (Task, Run, RunEvent) and SQLite rows: column names, JSON columns,
// NULL for absent fields. Rows read back are parsed through the shared store schemas.
import type { SQLInputValue, SQLOutputValue } from "node:sqlite";
import { StoreError } from "../../core/errors.ts";
import type { Run, RunEvent, Task } from "../../core/run.ts";
import { parseStored, StoredRun, StoredRunEvent, StoredTask } from "../store-schemas.ts";

export type Row = Record<string, SQLOutputValue>;
export type RowParams = Record<string, SQLInputValue>;

export const taskColumns = [
  "id",
  "text",
  "title",
  "repo",
  "base_ref",
  "task_key",
  "created_at",
  "requested_by",
] as const;

export const runColumns = [
  "id",
  "task_id",
  "status",
  "stage",
  "outcome",
  "outcome_detail",
  "model",
  "sandbox",
  "limits",
  "branch",
  "base_commit",
  "commit_sha",
  "worktree",
  "files_changed",
  "turns",
  "usage",
  "started_at",
  "ended_at",
  "attempt",
  "spec",
  "owner_pid",
  "owner_host",
  "state",
] as const;

export const eventColumns = ["run_id", "seq", "at", "type", "stage", "data"] as const;

/** `INSERT INTO table (a, b) VALUES ($a, $b)` for the given columns. */
export function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((column) => `$${column}`).join(", ")})`;
}

export function optional(value: SQLOutputValue | undefined): SQLOutputValue | undefined {
  return value === null ? undefined : value;
}

/** Drop keys whose value is undefined, so an absent field reads back absent rather than `key: undefined`. */
export function compact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

function jsonColumn(row: Row, column: string, what: string, location: string): unknown {
  const value = row[column];
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new StoreError(
      `${what} in ${location} is unreadable (${column} holds invalid JSON): the database may be corrupt`,
      { details: { location, what, column }, cause: error },
    );
  }
}

export function taskToParams(task: Task): RowParams {
  return {
    id: task.id,
    text: task.text,
    title: task.title,
    repo: task.repo,
    base_ref: task.baseRef,
    task_key: task.key ?? null,
    created_at: task.createdAt,
    requested_by: task.requestedBy ? JSON.stringify(task.requestedBy) : null,
  };
}

export function rowToTask(row: Row, location: string): Task {
  const what = `task ${String(row.id)}`;
  const value = {
    id: row.id,
    text: row.text,
    title: row.title,
    repo: row.repo,
    baseRef: row.base_ref,
    key: optional(row.task_key),
    createdAt: row.created_at,
    requestedBy: jsonColumn(row, "requested_by", what, location),
  };
  return parseStored(StoredTask, compact(value), what, location);
}

export function runToParams(run: Run): RowParams {
  return {
    id: run.id,
    task_id: run.taskId,
    status: run.status,
    stage: run.stage,
    outcome: run.outcome ?? null,
    outcome_detail: run.outcomeDetail ?? null,
    model: run.model,
    sandbox: run.sandbox,
    limits: JSON.stringify(run.limits),
    branch: run.branch,
    base_commit: run.baseCommit ?? null,
    commit_sha: run.commit ?? null,
    worktree: run.worktree ?? null,
    files_changed: JSON.stringify(run.filesChanged),
    turns: run.turns,
    usage: JSON.stringify(run.usage),
    started_at: run.startedAt,
    ended_at: run.endedAt ?? null,
    attempt: run.attempt,
    spec: run.spec === undefined ? null : JSON.stringify(run.spec),
    owner_pid: run.ownerPid,
    owner_host: run.ownerHost,
    state: JSON.stringify(run.state),
  };
}

export function rowToRun(row: Row, location: string): Run {
  const what = `run ${String(row.id)}`;
  const value = {
    id: row.id,
    taskId: row.task_id,
    status: row.status,
    stage: row.stage,
    outcome: optional(row.outcome),
    outcomeDetail: optional(row.outcome_detail),
    model: row.model,
    sandbox: row.sandbox,
    limits: jsonColumn(row, "limits", what, location),
    branch: row.branch,
    baseCommit: optional(row.base_commit),
    commit: optional(row.commit_sha),
    worktree: optional(row.worktree),
    filesChanged: jsonColumn(row, "files_changed", what, location),
    turns: row.turns,
    usage: jsonColumn(row, "usage", what, location),
    startedAt: row.started_at,
    endedAt: optional(row.ended_at),
    attempt: row.attempt,
    spec: jsonColumn(row, "spec", what, location),
    ownerPid: row.owner_pid,
    ownerHost: row.owner_host,
    state: jsonColumn(row, "state", what, location),
  };
  return parseStored(StoredRun, compact(value), what, location);
}

export function eventToParams(event: RunEvent): RowParams {
  return {
    run_id: event.runId,
    seq: event.seq,
    at: event.at,
    type: event.type,
    stage: event.stage,
    data: JSON.stringify(event.data),
  };
}

export function rowToEvent(row: Row, location: string): RunEvent {
  const what = `event ${String(row.seq)} of run ${String(row.run_id)}`;
  const value = {
    runId: row.run_id,
    seq: row.seq,
    at: row.at,
    type: row.type,
    stage: row.stage,
    data: jsonColumn(row, "data", what, location),
  };
  return parseStored(StoredRunEvent, compact(value), what, location);
}
