// The Postgres side of PullRequestStore: pull requests, their comments and branch pushes, in the
// same tables and with the same rules as SQLite's (one open pull request per branch included).
import type { Sql } from "postgres";
import { StoreError } from "../../core/errors.ts";
import type { PullRequestComment } from "../../forge/forge.ts";
import { rowToBranchPush, rowToPullRequest, rowToPullRequestComment } from "../pull-request-rows.ts";
import type {
  BranchPush,
  NewPullRequest,
  PullRequestKey,
  PullRequestQuery,
  PullRequestRecord,
  PullRequestStore,
  PullRequestUpdate,
} from "../pull-request-store.ts";
import type { Row } from "../sqlite/sqlite-rows.ts";
import { oneOpenPerHeadIndex, openPullRequestConflict } from "../store-errors.ts";
import { pgGuarded } from "./postgres-guard.ts";

function toParams(record: PullRequestRecord): Record<string, string | number | null> {
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

type BranchKey = { forge: string; repository: string; head: string };

function describeKey(key: PullRequestKey): string {
  return `pull request #${key.number} of ${key.forge} ${key.repository}`;
}

export class PostgresPullRequests implements PullRequestStore {
  readonly #sql: Sql;
  readonly #location: string;

  constructor(sql: Sql, location: string) {
    this.#sql = sql;
    this.#location = location;
  }

  #guard<T>(action: string, work: () => Promise<T>): Promise<T> {
    return pgGuarded(action, this.#location, work);
  }

  /** Like #guard, and a writer that loses the one-open-per-branch index gets StoreConflictError. */
  #guardOpen<T>(action: string, branch: BranchKey, work: () => Promise<T>): Promise<T> {
    return pgGuarded(action, this.#location, async () => {
      try {
        return await work();
      } catch (error) {
        const { code, constraint_name: constraint } = error as { code?: unknown; constraint_name?: unknown };
        if (code === "23505" && constraint === oneOpenPerHeadIndex) {
          throw openPullRequestConflict(branch, await this.#openNumber(branch), error);
        }
        throw error;
      }
    });
  }

  async #openNumber(branch: BranchKey, except = -1): Promise<number | undefined> {
    const [open] = await this.#sql`
      SELECT number FROM pull_requests
      WHERE forge = ${branch.forge} AND repository = ${branch.repository} AND head = ${branch.head}
        AND state = 'open' AND number <> ${except}`;
    return open === undefined ? undefined : Number(open.number);
  }

  async createPullRequest(record: NewPullRequest): Promise<PullRequestRecord> {
    return this.#guardOpen(`create a pull request of ${record.forge}`, record, () =>
      this.#sql.begin(async (tx) => {
        // One creator per forge at a time, so no two take the same next number.
        await tx`SELECT pg_advisory_xact_lock(hashtext(${`slipway-pr:${record.forge}`}))`;
        const [next] =
          await tx`SELECT coalesce(max(number), 0)::int + 1 AS next FROM pull_requests WHERE forge = ${record.forge}`;
        const number = record.number ?? Number(next?.next);
        const key = { forge: record.forge, repository: record.repository, number };
        const [existing] = await tx`
          SELECT 1 FROM pull_requests WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${number}`;
        if (existing) {
          throw new StoreError(`${describeKey(key)} is already recorded in ${this.#location}`, {
            details: { ...key },
          });
        }
        if (record.state === "open") {
          const [open] = await tx`
            SELECT number FROM pull_requests WHERE forge = ${record.forge} AND repository = ${record.repository}
              AND head = ${record.head} AND state = 'open'`;
          if (open) throw openPullRequestConflict(record, Number(open.number));
        }
        const now = new Date().toISOString();
        const [row] = await tx`
          INSERT INTO pull_requests ${tx(toParams({ ...record, number, createdAt: now, updatedAt: now }))} RETURNING *`;
        return rowToPullRequest(row as Row, this.#location);
      }),
    );
  }

  async savePullRequest(
    record: Omit<PullRequestRecord, "createdAt" | "updatedAt">,
  ): Promise<PullRequestRecord> {
    return this.#guardOpen(`save ${describeKey(record)}`, record, () =>
      this.#sql.begin(async (tx) => {
        const now = new Date().toISOString();
        if (record.state === "open") {
          // The forge reports this one open, and a forge keeps one open per head: older records of the
          // branch still marked open were closed on the forge without Slipway seeing it.
          await tx`
          UPDATE pull_requests SET state = 'closed', updated_at = ${now}
          WHERE forge = ${record.forge} AND repository = ${record.repository} AND head = ${record.head}
            AND state = 'open' AND number <> ${record.number}`;
        }
        const [row] = await tx`
        INSERT INTO pull_requests ${tx(toParams({ ...record, createdAt: now, updatedAt: now }))}
        ON CONFLICT (forge, repository, number) DO UPDATE SET
          url = excluded.url, head = excluded.head, base = excluded.base, head_sha = excluded.head_sha,
          state = excluded.state, title = excluded.title, body = excluded.body,
          review_state = coalesce(excluded.review_state, pull_requests.review_state),
          run_id = coalesce(excluded.run_id, pull_requests.run_id),
          task_key = coalesce(excluded.task_key, pull_requests.task_key),
          updated_at = excluded.updated_at
        RETURNING *`;
        return rowToPullRequest(row as Row, this.#location);
      }),
    );
  }

  async updatePullRequest(key: PullRequestKey, update: PullRequestUpdate): Promise<PullRequestRecord> {
    const current = await this.getPullRequest(key);
    const branch = { forge: key.forge, repository: key.repository, head: current?.head ?? "" };
    return this.#guardOpen(`update ${describeKey(key)}`, branch, () =>
      this.#sql.begin(async (tx) => {
        const [row] = await tx`
          SELECT * FROM pull_requests
          WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${key.number} FOR UPDATE`;
        if (!row) {
          throw new StoreError(`no ${describeKey(key)} in ${this.#location}: see \`slipway pr list\``, {
            code: "not_found",
            details: { ...key },
          });
        }
        const defined = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
        const before = rowToPullRequest(row as Row, this.#location);
        const next = { ...before, ...defined, updatedAt: new Date().toISOString() };
        if (next.state === "open" && before.state !== "open") {
          const open = await this.#openNumber(next, key.number);
          if (open !== undefined) throw openPullRequestConflict(next, open);
        }
        const { created_at: _createdAt, ...params } = toParams(next);
        const [updated] = await tx`
          UPDATE pull_requests SET ${tx(params)}
          WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${key.number} RETURNING *`;
        return rowToPullRequest(updated as Row, this.#location);
      }),
    );
  }

  async getPullRequest(key: PullRequestKey): Promise<PullRequestRecord | undefined> {
    return this.#guard(`read ${describeKey(key)}`, async () => {
      const [row] = await this.#sql`
        SELECT * FROM pull_requests WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${key.number}`;
      return row ? rowToPullRequest(row as Row, this.#location) : undefined;
    });
  }

  async listPullRequests(query: PullRequestQuery): Promise<PullRequestRecord[]> {
    if (!Number.isInteger(query.limit) || query.limit < 0) {
      throw new StoreError(
        `cannot list pull requests: the limit must be a whole number ≥ 0, got ${query.limit}`,
      );
    }
    return this.#guard("list pull requests", async () => {
      const sql = this.#sql;
      const filters = [
        query.forge === undefined ? sql`` : sql`AND forge = ${query.forge}`,
        query.repository === undefined ? sql`` : sql`AND repository = ${query.repository}`,
        query.head === undefined ? sql`` : sql`AND head = ${query.head}`,
        query.number === undefined ? sql`` : sql`AND number = ${query.number}`,
      ];
      const rows = await sql`
        SELECT * FROM pull_requests WHERE true ${filters[0]!} ${filters[1]!} ${filters[2]!} ${filters[3]!}
        ORDER BY created_at DESC, number DESC LIMIT ${query.limit}`;
      return (rows as Row[]).map((row) => rowToPullRequest(row, this.#location));
    });
  }

  async addPullRequestComment(
    key: PullRequestKey,
    comment: Omit<PullRequestComment, "id" | "createdAt">,
  ): Promise<PullRequestComment> {
    return this.#guard(`comment on ${describeKey(key)}`, async () => {
      const [row] = await this.#sql`
        INSERT INTO pull_request_comments (forge, repository, number, author, body, created_at)
        SELECT forge, repository, number, ${comment.author}, ${comment.body}, ${new Date().toISOString()}
        FROM pull_requests WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${key.number}
        RETURNING *`;
      if (!row) {
        throw new StoreError(`cannot comment: no ${describeKey(key)} in ${this.#location}`, {
          code: "not_found",
          details: { ...key },
        });
      }
      return rowToPullRequestComment(row as Row, this.#location);
    });
  }

  async listPullRequestComments(key: PullRequestKey): Promise<PullRequestComment[]> {
    return this.#guard(`read the comments of ${describeKey(key)}`, async () => {
      const rows = await this.#sql`
        SELECT * FROM pull_request_comments
        WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${key.number} ORDER BY id`;
      return (rows as Row[]).map((row) => rowToPullRequestComment(row, this.#location));
    });
  }

  async recordBranchPush(push: Omit<BranchPush, "pushedAt">): Promise<void> {
    await this.#guard(`record the push of ${push.branch}`, async () => {
      const row = {
        forge: push.forge,
        repository: push.repository,
        branch: push.branch,
        sha: push.sha,
        run_id: push.runId,
        pushed_at: new Date().toISOString(),
      };
      await this.#sql`
        INSERT INTO branch_pushes ${this.#sql(row)} ON CONFLICT (forge, repository, branch) DO UPDATE SET
          sha = excluded.sha, run_id = excluded.run_id, pushed_at = excluded.pushed_at`;
    });
  }

  async lastBranchPush(key: {
    forge: string;
    repository: string;
    branch: string;
  }): Promise<BranchPush | undefined> {
    return this.#guard(`read the last push of ${key.branch}`, async () => {
      const [row] = await this.#sql`
        SELECT * FROM branch_pushes WHERE forge = ${key.forge} AND repository = ${key.repository} AND branch = ${key.branch}`;
      if (!row) return undefined;
      return rowToBranchPush(row as Row, this.#location);
    });
  }
}
