// The Postgres schema as an ordered list of migrations, and the function that brings a database up
// to date under an advisory lock (several processes may open one database at once).
import type { Sql } from "postgres";
import { StoreError } from "../../core/errors.ts";

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Same tables and columns as SQLite's (text times in ISO form, JSON in text columns), so both stores
 * share the row mappers in sqlite-rows.ts. A shipped migration is never edited.
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "tasks-runs-events-pull-requests-follow-ups-queue",
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY, text TEXT NOT NULL, title TEXT NOT NULL, repo TEXT NOT NULL,
        base_ref TEXT NOT NULL, task_key TEXT, created_at TEXT NOT NULL, requested_by TEXT
      );
      CREATE INDEX tasks_task_key ON tasks (task_key);

      CREATE TABLE runs (
        id TEXT PRIMARY KEY, task_id TEXT NOT NULL REFERENCES tasks (id),
        status TEXT NOT NULL, stage TEXT NOT NULL, outcome TEXT, outcome_detail TEXT,
        model TEXT NOT NULL, sandbox TEXT NOT NULL, limits TEXT NOT NULL, branch TEXT NOT NULL,
        base_commit TEXT, commit_sha TEXT, worktree TEXT, files_changed TEXT NOT NULL,
        turns INTEGER NOT NULL, usage TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT,
        attempt INTEGER NOT NULL DEFAULT 0, spec TEXT, cancel_requested_at TEXT,
        owner_pid INTEGER NOT NULL, owner_host TEXT NOT NULL, state TEXT NOT NULL
      );
      CREATE INDEX runs_started_at ON runs (started_at);
      CREATE INDEX runs_status ON runs (status);
      CREATE INDEX runs_task_id_started_at ON runs (task_id, started_at);

      CREATE TABLE run_events (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
        at TEXT NOT NULL, type TEXT NOT NULL, stage TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      );

      CREATE TABLE pull_requests (
        forge TEXT NOT NULL, repository TEXT NOT NULL, number INTEGER NOT NULL, url TEXT NOT NULL,
        head TEXT NOT NULL, base TEXT NOT NULL, head_sha TEXT NOT NULL, state TEXT NOT NULL,
        review_state TEXT, title TEXT NOT NULL, body TEXT NOT NULL,
        run_id TEXT REFERENCES runs (id) ON DELETE SET NULL, task_key TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (forge, repository, number)
      );
      CREATE INDEX pull_requests_head ON pull_requests (forge, repository, head);
      CREATE INDEX pull_requests_created_at ON pull_requests (created_at);

      CREATE TABLE pull_request_comments (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        forge TEXT NOT NULL, repository TEXT NOT NULL, number INTEGER NOT NULL,
        author TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
        FOREIGN KEY (forge, repository, number)
          REFERENCES pull_requests (forge, repository, number) ON DELETE CASCADE
      );
      CREATE INDEX pull_request_comments_pr ON pull_request_comments (forge, repository, number, id);

      CREATE TABLE branch_pushes (
        forge TEXT NOT NULL, repository TEXT NOT NULL, branch TEXT NOT NULL, sha TEXT NOT NULL,
        run_id TEXT NOT NULL, pushed_at TEXT NOT NULL,
        PRIMARY KEY (forge, repository, branch)
      );

      CREATE TABLE follow_ups (
        forge TEXT NOT NULL, repository TEXT NOT NULL, number INTEGER NOT NULL,
        trigger TEXT NOT NULL, kind TEXT NOT NULL,
        run_id TEXT REFERENCES runs (id) ON DELETE SET NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (forge, repository, number, trigger)
      );

      CREATE TABLE run_queue (
        run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        position BIGINT GENERATED ALWAYS AS IDENTITY,
        repo TEXT NOT NULL, worker_id TEXT, lease_expires_ms BIGINT
      );
      CREATE INDEX run_queue_waiting ON run_queue (worker_id, position);
      CREATE INDEX run_queue_repo ON run_queue (repo, worker_id);
    `,
  },
  {
    version: 2,
    name: "one-open-pull-request-per-branch",
    sql: `
      CREATE UNIQUE INDEX pull_requests_one_open_per_head ON pull_requests (forge, repository, head)
        WHERE state = 'open';
    `,
  },
  {
    version: 3,
    name: "budget-spend-ledger",
    sql: `
      CREATE TABLE budget_spend (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, day TEXT NOT NULL,
        repo TEXT NOT NULL, cost_usd DOUBLE PRECISION NOT NULL, PRIMARY KEY (run_id, day)
      );
      CREATE INDEX budget_spend_day ON budget_spend (day, repo);
    `,
  },
];

/** One key for every Slipway migrator on a database: they take turns. */
const migrationLockKey = 0x51_1b_3a_70;

/**
 * Apply the migrations the database lacks, in one transaction holding an advisory lock, recorded in
 * `schema_migrations`. Refuses a database from a newer Slipway.
 */
export async function applyPostgresMigrations(
  sql: Sql,
  location: string,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${migrationLockKey})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;
    const [row] = await tx`SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations`;
    const applied = Number(row?.version ?? 0);
    if (applied > migrations.length) {
      throw new StoreError(
        `the database ${location} has schema version ${applied} but this Slipway knows only up to ${migrations.length}: upgrade Slipway or use another database`,
        { details: { location, version: applied, known: migrations.length } },
      );
    }
    for (const migration of migrations.slice(applied)) {
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO schema_migrations ${tx({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() })}`;
    }
  });
}
