// The SQLite side of PullRequestStore: pull requests and their comments, in the tables of
// migration 2 (branch pushes: sqlite-branch-pushes.ts). SqliteStore delegates to this class.
import type { DatabaseSync } from "node:sqlite";
import { StoreError } from "../../core/errors.ts";
import type { PullRequestComment } from "../../forge/forge.ts";
import { rowToPullRequest, rowToPullRequestComment } from "../pull-request-rows.ts";
import type {
  NewPullRequest,
  PullRequestKey,
  PullRequestQuery,
  PullRequestRecord,
  PullRequestStore,
  PullRequestUpdate,
} from "../pull-request-store.ts";
import { openPullRequestConflict } from "../store-errors.ts";
import { guarded } from "./sqlite-guard.ts";
import { insertSql, type RowParams } from "./sqlite-rows.ts";
import { inImmediateTransaction } from "./transaction.ts";

const pullRequestColumns = [
  "forge",
  "repository",
  "number",
  "url",
  "head",
  "base",
  "head_sha",
  "state",
  "review_state",
  "title",
  "body",
  "run_id",
  "task_key",
  "created_at",
  "updated_at",
] as const;

/** On a key that exists: write every given field, keep created_at and the optional links left unset. */
const upsertSql = `${insertSql("pull_requests", pullRequestColumns)}
  ON CONFLICT (forge, repository, number) DO UPDATE SET
    url = excluded.url, head = excluded.head, base = excluded.base, head_sha = excluded.head_sha,
    state = excluded.state, title = excluded.title, body = excluded.body,
    review_state = coalesce(excluded.review_state, review_state),
    run_id = coalesce(excluded.run_id, run_id),
    task_key = coalesce(excluded.task_key, task_key),
    updated_at = excluded.updated_at`;

const keyWhere = "forge = $forge AND repository = $repository AND number = $number";

function toParams(record: PullRequestRecord): RowParams {
  return {
    forge: record.forge,
    repository: record.repository,
    number: record.number,
    url: record.url,
    head: record.head,
    base: record.base,
    head_sha: record.headSha,
    state: record.state,
    review_state: record.reviewState ?? null,
    title: record.title,
    body: record.body,
    run_id: record.runId ?? null,
    task_key: record.taskKey ?? null,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function describeKey(key: PullRequestKey): string {
  return `pull request #${key.number} of ${key.forge} ${key.repository}`;
}

function keyParams(key: PullRequestKey): RowParams {
  return { forge: key.forge, repository: key.repository, number: key.number };
}

export class SqlitePullRequests implements Omit<PullRequestStore, "recordBranchPush" | "lastBranchPush"> {
  readonly #db: DatabaseSync;
  readonly #location: string;
  readonly #busyWaitMs: number;

  constructor(db: DatabaseSync, location: string, busyWaitMs: number) {
    this.#db = db;
    this.#location = location;
    this.#busyWaitMs = busyWaitMs;
  }

  #guard<T>(action: string, work: () => T): Promise<T> {
    return guarded(action, this.#location, work, this.#busyWaitMs);
  }

  async createPullRequest(record: NewPullRequest): Promise<PullRequestRecord> {
    return this.#guard(`create a pull request of ${record.forge}`, () =>
      inImmediateTransaction(this.#db, () => {
        // Under the write lock no other connection can take the same number.
        const number =
          record.number ??
          Number(
            this.#db
              .prepare("SELECT coalesce(max(number), 0) + 1 AS next FROM pull_requests WHERE forge = ?")
              .get(record.forge)?.next,
          );
        const key = { forge: record.forge, repository: record.repository, number };
        if (this.#read(key)) {
          throw new StoreError(`${describeKey(key)} is already recorded in ${this.#location}`, {
            details: { ...key },
          });
        }
        if (record.state === "open") this.#refuseSecondOpen(record, number);
        const now = new Date().toISOString();
        this.#db
          .prepare(insertSql("pull_requests", pullRequestColumns))
          .run(toParams({ ...record, number, createdAt: now, updatedAt: now }));
        return this.#read(key)!;
      }),
    );
  }

  async savePullRequest(
    record: Omit<PullRequestRecord, "createdAt" | "updatedAt">,
  ): Promise<PullRequestRecord> {
    return this.#guard(`save ${describeKey(record)}`, () =>
      inImmediateTransaction(this.#db, () => {
        const now = new Date().toISOString();
        if (record.state === "open") {
          // The forge reports this one open, and a forge keeps one open per head: older records of
          // the branch still marked open were closed on the forge without Slipway seeing it.
          this.#db
            .prepare(
              `UPDATE pull_requests SET state = 'closed', updated_at = $now
               WHERE forge = $forge AND repository = $repository AND head = $head AND state = 'open' AND number <> $number`,
            )
            .run({ ...keyParams(record), head: record.head, now });
        }
        this.#db.prepare(upsertSql).run(toParams({ ...record, createdAt: now, updatedAt: now }));
        return this.#read(record)!;
      }),
    );
  }

  async updatePullRequest(key: PullRequestKey, update: PullRequestUpdate): Promise<PullRequestRecord> {
    return this.#guard(`update ${describeKey(key)}`, () =>
      inImmediateTransaction(this.#db, () => {
        const current = this.#read(key);
        if (!current) {
          throw new StoreError(`no ${describeKey(key)} in ${this.#location}: see \`slipway pr list\``, {
            code: "not_found",
            details: { ...key },
          });
        }
        const defined = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
        const next = { ...current, ...defined, updatedAt: new Date().toISOString() };
        if (next.state === "open" && current.state !== "open") this.#refuseSecondOpen(next, key.number);
        const columns = pullRequestColumns.filter((column) => column !== "created_at");
        const assignments = columns.map((column) => `${column} = $${column}`).join(", ");
        const { created_at: _createdAt, ...params } = toParams(next);
        this.#db.prepare(`UPDATE pull_requests SET ${assignments} WHERE ${keyWhere}`).run(params);
        return this.#read(key)!;
      }),
    );
  }

  async getPullRequest(key: PullRequestKey): Promise<PullRequestRecord | undefined> {
    return this.#guard(`read ${describeKey(key)}`, () => this.#read(key));
  }

  async listPullRequests(query: PullRequestQuery): Promise<PullRequestRecord[]> {
    if (!Number.isInteger(query.limit) || query.limit < 0) {
      throw new StoreError(
        `cannot list pull requests: the limit must be a whole number ≥ 0, got ${query.limit}`,
      );
    }
    return this.#guard("list pull requests", () => {
      const filters: string[] = [];
      const params: RowParams = { limit: query.limit };
      for (const [field, column] of [
        ["forge", "forge"],
        ["repository", "repository"],
        ["head", "head"],
        ["number", "number"],
      ] as const) {
        const value = query[field];
        if (value === undefined) continue;
        filters.push(`${column} = $${column}`);
        params[column] = value;
      }
      const where = filters.length > 0 ? `WHERE ${filters.join(" AND ")}` : "";
      const sql = `SELECT * FROM pull_requests ${where} ORDER BY created_at DESC, number DESC LIMIT $limit`;
      return this.#db
        .prepare(sql)
        .all(params)
        .map((row) => rowToPullRequest(row, this.#location));
    });
  }

  async addPullRequestComment(
    key: PullRequestKey,
    comment: Omit<PullRequestComment, "id" | "createdAt">,
  ): Promise<PullRequestComment> {
    return this.#guard(`comment on ${describeKey(key)}`, () =>
      inImmediateTransaction(this.#db, () => {
        if (!this.#read(key)) {
          throw new StoreError(`cannot comment: no ${describeKey(key)} in ${this.#location}`, {
            code: "not_found",
            details: { ...key },
          });
        }
        const row = this.#db
          .prepare(
            `INSERT INTO pull_request_comments (forge, repository, number, author, body, created_at)
             VALUES ($forge, $repository, $number, $author, $body, $created_at) RETURNING *`,
          )
          .get({
            ...keyParams(key),
            author: comment.author,
            body: comment.body,
            created_at: new Date().toISOString(),
          });
        return rowToPullRequestComment(row!, this.#location);
      }),
    );
  }

  async listPullRequestComments(key: PullRequestKey): Promise<PullRequestComment[]> {
    return this.#guard(`read the comments of ${describeKey(key)}`, () =>
      this.#db
        .prepare(`SELECT * FROM pull_request_comments WHERE ${keyWhere} ORDER BY id`)
        .all(keyParams(key))
        .map((row) => rowToPullRequestComment(row, this.#location)),
    );
  }

  /** Throw StoreConflictError when another record of the branch is open (the index backs this up). */
  #refuseSecondOpen(record: { forge: string; repository: string; head: string }, number: number): void {
    const open = this.#db
      .prepare(
        `SELECT number FROM pull_requests
         WHERE forge = $forge AND repository = $repository AND head = $head AND state = 'open' AND number <> $number`,
      )
      .get({ forge: record.forge, repository: record.repository, head: record.head, number });
    if (open) throw openPullRequestConflict(record, Number(open.number));
  }

  #read(key: PullRequestKey): PullRequestRecord | undefined {
    const row = this.#db.prepare(`SELECT * FROM pull_requests WHERE ${keyWhere}`).get(keyParams(key));
    return row ? rowToPullRequest(row, this.#location) : undefined;
  }
}
