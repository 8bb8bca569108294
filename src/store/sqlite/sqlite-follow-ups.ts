// The SQLite side of FollowUpStore: the follow_ups table of migration 3. The claim is a single
// INSERT … ON CONFLICT DO NOTHING, atomic across every connection and process on the file.
import type { DatabaseSync } from "node:sqlite";
import type { FollowUpClaim, FollowUpKind, FollowUpStore } from "../follow-up-store.ts";
import type { PullRequestKey } from "../pull-request-store.ts";
import { guarded } from "./sqlite-guard.ts";

const keyWhere = "forge = $forge AND repository = $repository AND number = $number";

/** Only the key's own fields: node:sqlite refuses parameters a statement does not name. */
function keyParams(key: PullRequestKey): { forge: string; repository: string; number: number } {
  return { forge: key.forge, repository: key.repository, number: key.number };
}

export class SqliteFollowUps implements FollowUpStore {
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

  async claimFollowUp(claim: FollowUpClaim): Promise<boolean> {
    return this.#guard(`claim follow-up ${claim.trigger}`, () => {
      const result = this.#db
        .prepare(
          `INSERT INTO follow_ups (forge, repository, number, trigger, kind, created_at)
           VALUES ($forge, $repository, $number, $trigger, $kind, $created_at)
           ON CONFLICT (forge, repository, number, trigger) DO NOTHING`,
        )
        .run({
          forge: claim.forge,
          repository: claim.repository,
          number: claim.number,
          trigger: claim.trigger,
          kind: claim.kind,
          created_at: new Date().toISOString(),
        });
      return Number(result.changes) === 1;
    });
  }

  async attachFollowUpRun(key: PullRequestKey, trigger: string, runId: string): Promise<void> {
    await this.#guard(`link follow-up ${trigger} to run ${runId}`, () => {
      this.#db
        .prepare(`UPDATE follow_ups SET run_id = $run_id WHERE ${keyWhere} AND trigger = $trigger`)
        .run({ ...keyParams(key), trigger, run_id: runId });
    });
  }

  async countFollowUps(key: PullRequestKey, kind: FollowUpKind): Promise<number> {
    return this.#guard(`count follow-ups of #${key.number}`, () => {
      const row = this.#db
        .prepare(`SELECT count(*) AS count FROM follow_ups WHERE ${keyWhere} AND kind = $kind`)
        .get({ ...keyParams(key), kind });
      return Number(row?.count ?? 0);
    });
  }
}
