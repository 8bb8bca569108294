// The SQLite schema as an ordered list of migrations, and the function that brings a database up to date.
import type { DatabaseSync } from "node:sqlite";
import { StoreError } from "../../core/errors.ts";
import { inImmediateTransaction } from "./transaction.ts";

/** One schema change. Versions start at 1 and rise by 1; a shipped migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration Slipway knows, oldest first. Planned later: usage ledgers, verdicts. */
export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "tasks-runs-events",
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        title TEXT NOT NULL,
        repo TEXT NOT NULL,
        base_ref TEXT NOT NULL,
        created_at TEXT NOT NULL,
        requested_by TEXT
      ) STRICT;

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks (id),
        status TEXT NOT NULL,
        stage TEXT NOT NULL,
        outcome TEXT,
        outcome_detail TEXT,
        model TEXT NOT NULL,
        sandbox TEXT NOT NULL,
        limits TEXT NOT NULL,
        branch TEXT NOT NULL,
        base_commit TEXT,
        commit_sha TEXT,
        worktree TEXT,
        files_changed TEXT NOT NULL,
        turns INTEGER NOT NULL,
        usage TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        owner_pid INTEGER NOT NULL,
        owner_host TEXT NOT NULL,
        state TEXT NOT NULL
      ) STRICT;
      CREATE INDEX runs_started_at ON runs (started_at);
      CREATE INDEX runs_status ON runs (status);
      CREATE INDEX runs_task_id_started_at ON runs (task_id, started_at);

      CREATE TABLE run_events (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        stage TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: "task-keys-pull-requests-branch-pushes",
    sql: `
      ALTER TABLE tasks ADD COLUMN task_key TEXT;
      CREATE INDEX tasks_task_key ON tasks (task_key);

      CREATE TABLE pull_requests (
        forge TEXT NOT NULL,
        repository TEXT NOT NULL,
        number INTEGER NOT NULL,
        url TEXT NOT NULL,
        head TEXT NOT NULL,
        base TEXT NOT NULL,
        head_sha TEXT NOT NULL,
        state TEXT NOT NULL,
        review_state TEXT,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
        task_key TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (forge, repository, number)
      ) STRICT;
      CREATE INDEX pull_requests_head ON pull_requests (forge, repository, head);
      CREATE INDEX pull_requests_created_at ON pull_requests (created_at);

      CREATE TABLE pull_request_comments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        forge TEXT NOT NULL,
        repository TEXT NOT NULL,
        number INTEGER NOT NULL,
        author TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        FOREIGN KEY (forge, repository, number)
          REFERENCES pull_requests (forge, repository, number) ON DELETE CASCADE
      ) STRICT;
      CREATE INDEX pull_request_comments_pr ON pull_request_comments (forge, repository, number, id);

      CREATE TABLE branch_pushes (
        forge TEXT NOT NULL,
        repository TEXT NOT NULL,
        branch TEXT NOT NULL,
        sha TEXT NOT NULL,
        run_id TEXT NOT NULL,
        pushed_at TEXT NOT NULL,
        PRIMARY KEY (forge, repository, branch)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "follow-ups",
    sql: `
      CREATE TABLE follow_ups (
        forge TEXT NOT NULL,
        repository TEXT NOT NULL,
        number INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        kind TEXT NOT NULL,
        run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (forge, repository, number, trigger)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: "run-queue-leases",
    // A run in run_queue is waiting (worker_id NULL) or leased until lease_expires_ms (epoch ms).
    // repo is the task's, copied so the per-repository limit is one indexed count.
    sql: `
      ALTER TABLE runs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN spec TEXT;
      ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;

      CREATE TABLE run_queue (
        run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        repo TEXT NOT NULL,
        worker_id TEXT,
        lease_expires_ms INTEGER
      ) STRICT;
      CREATE INDEX run_queue_waiting ON run_queue (worker_id, position);
      CREATE INDEX run_queue_repo ON run_queue (repo, worker_id);
    `,
  },
  {
    version: 5,
    name: "one-open-pull-request-per-branch",
    // A store from before the rule may hold two open records of one branch (a race, or a forge's
    // pull request closed on the forge and never synced): the newest stays open, the older ones are
    // marked closed, since no forge keeps two open for one head.
    sql: `
      UPDATE pull_requests SET state = 'closed'
      WHERE state = 'open' AND EXISTS (
        SELECT 1 FROM pull_requests newer
        WHERE newer.forge = pull_requests.forge AND newer.repository = pull_requests.repository
          AND newer.head = pull_requests.head AND newer.state = 'open'
          AND (newer.created_at, newer.number) > (pull_requests.created_at, pull_requests.number));
      CREATE UNIQUE INDEX pull_requests_one_open_per_head ON pull_requests (forge, repository, head)
        WHERE state = 'open';
    `,
  },
  {
    version: 6,
    name: "budget-spend-ledger",
    // What each run spent per UTC day, charged to its repository (store/budget-ledger.ts).
    sql: `
      CREATE TABLE budget_spend (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        repo TEXT NOT NULL,
        cost_usd REAL NOT NULL,
        PRIMARY KEY (run_id, day)
      ) STRICT;
      CREATE INDEX budget_spend_day ON budget_spend (day, repo);
    `,
  },
];

const createLedger = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`;

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new StoreError(
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}: versions must run 1, 2, 3 …`,
        { code: "store_failed", details: { version: migration.version } },
      );
    }
  });
}

function appliedVersion(db: DatabaseSync): number {
  const row = db.prepare("SELECT coalesce(max(version), 0) AS version FROM schema_migrations").get();
  return Number(row?.version ?? 0);
}

/** Refuse a database written by a newer Slipway: its schema may hold what this version would break. */
function refuseNewer(db: DatabaseSync, known: number, location: string): void {
  const version = appliedVersion(db);
  if (version > known) {
    throw new StoreError(
      `the database ${location} has schema version ${version} but this Slipway knows only up to ${known}: upgrade Slipway or use another data directory`,
      { details: { location, version, known } },
    );
  }
}

/**
 * Apply every migration the database lacks, each in its own immediate transaction and recorded in
 * `schema_migrations`. Safe when several processes open one file at once: each re-checks under the
 * write lock. Throws StoreError for a database from a newer Slipway or a migration that fails.
 */
export function applyMigrations(
  db: DatabaseSync,
  location: string,
  migrations: readonly Migration[] = sqliteMigrations,
): void {
  checkOrder(migrations);
  db.exec(createLedger);
  refuseNewer(db, migrations.length, location);
  for (const migration of migrations) {
    inImmediateTransaction(db, () => {
      // Another process may have applied it since we last looked; the write lock makes this check final.
      if (appliedVersion(db) >= migration.version) return;
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new StoreError(
          `migration ${migration.version} (${migration.name}) failed on ${location}: ${(error as Error).message}`,
          { details: { location, version: migration.version }, cause: error },
        );
      }
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    });
  }
}
