// The Postgres side of FollowUpStore: a claim is one INSERT … ON CONFLICT DO NOTHING, atomic across
// every connection and host.
import type { Sql } from "postgres";
import type { FollowUpClaim, FollowUpKind, FollowUpStore } from "../follow-up-store.ts";
import type { PullRequestKey } from "../pull-request-store.ts";
import { pgGuarded } from "./postgres-guard.ts";

export class PostgresFollowUps implements FollowUpStore {
  readonly #sql: Sql;
  readonly #location: string;

  constructor(sql: Sql, location: string) {
    this.#sql = sql;
    this.#location = location;
  }

  async claimFollowUp(claim: FollowUpClaim): Promise<boolean> {
    return pgGuarded(`claim follow-up ${claim.trigger}`, this.#location, async () => {
      const result = await this.#sql`
        INSERT INTO follow_ups (forge, repository, number, trigger, kind, created_at)
        VALUES (${claim.forge}, ${claim.repository}, ${claim.number}, ${claim.trigger}, ${claim.kind}, ${new Date().toISOString()})
        ON CONFLICT (forge, repository, number, trigger) DO NOTHING`;
      return result.count === 1;
    });
  }

  async attachFollowUpRun(key: PullRequestKey, trigger: string, runId: string): Promise<void> {
    await pgGuarded(`link follow-up ${trigger} to run ${runId}`, this.#location, async () => {
      await this.#sql`
        UPDATE follow_ups SET run_id = ${runId}
        WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${key.number} AND trigger = ${trigger}`;
    });
  }

  async countFollowUps(key: PullRequestKey, kind: FollowUpKind): Promise<number> {
    return pgGuarded(`count follow-ups of #${key.number}`, this.#location, async () => {
      const [row] = await this.#sql`
        SELECT count(*)::int AS count FROM follow_ups
        WHERE forge = ${key.forge} AND repository = ${key.repository} AND number = ${key.number} AND kind = ${kind}`;
      return Number(row?.count ?? 0);
    });
  }
}
