// The SQLite side of the branch-push records: the last sha Slipway pushed per branch (the lease a
// forced push must hold), in the branch_pushes table of migration 2.
import type { DatabaseSync } from "node:sqlite";
import { rowToBranchPush } from "../pull-request-rows.ts";
import type { BranchPush, PullRequestStore } from "../pull-request-store.ts";
import { guarded } from "./sqlite-guard.ts";
import { insertSql, type Row } from "./sqlite-rows.ts";

export class SqliteBranchPushes implements Pick<PullRequestStore, "recordBranchPush" | "lastBranchPush"> {
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

  async recordBranchPush(push: Omit<BranchPush, "pushedAt">): Promise<void> {
    await this.#guard(`record the push of ${push.branch}`, () => {
      this.#db
        .prepare(
          `${insertSql("branch_pushes", ["forge", "repository", "branch", "sha", "run_id", "pushed_at"])}
           ON CONFLICT (forge, repository, branch) DO UPDATE SET
             sha = excluded.sha, run_id = excluded.run_id, pushed_at = excluded.pushed_at`,
        )
        .run({
          forge: push.forge,
          repository: push.repository,
          branch: push.branch,
          sha: push.sha,
          run_id: push.runId,
          pushed_at: new Date().toISOString(),
        });
    });
  }

  async lastBranchPush(key: {
    forge: string;
    repository: string;
    branch: string;
  }): Promise<BranchPush | undefined> {
    return this.#guard(`read the last push of ${key.branch}`, () => {
      const row = this.#db
        .prepare(
          "SELECT * FROM branch_pushes WHERE forge = $forge AND repository = $repository AND branch = $branch",
        )
        .get({ forge: key.forge, repository: key.repository, branch: key.branch });
      if (!row) return undefined;
      return rowToBranchPush(row as Row, this.#location);
    });
  }
}
