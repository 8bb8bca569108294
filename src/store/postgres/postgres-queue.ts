// The run queue on Postgres. Claims take one advisory lock so the limit counts are exact across
// processes and hosts, and pick with FOR UPDATE SKIP LOCKED so a claimer never waits on a row that
// a cancel or an expiry is changing; expiry locks the expired rows with SKIP LOCKED, so concurrent
// expirers split them instead of handling one twice.
import type { Sql, TransactionSql } from "postgres";
import { StoreError } from "../../core/errors.ts";
import type { RunEvent } from "../../core/run.ts";
import {
  type CancelResult,
  type ClaimLimits,
  type ExpiredLeases,
  orphanGraceMs,
  type RunLease,
  type RunQueue,
} from "../run-queue.ts";
import {
  checkClaim,
  checkEventsAfter,
  checkHold,
  expiredRow,
  expiryDecision,
  holdRefused,
} from "../run-queue-rules.ts";
import { type Row, rowToEvent } from "../sqlite/sqlite-rows.ts";
import { LeaseLostError } from "../store-errors.ts";
import { pgGuarded } from "./postgres-guard.ts";

/** The advisory lock every claim takes (any constant unique to Slipway's claims). */
const claimLockKey = 0x51_1b_c1_a1;

export class PostgresQueue implements RunQueue {
  readonly #sql: Sql;
  readonly #location: string;

  constructor(sql: Sql, location: string) {
    this.#sql = sql;
    this.#location = location;
  }

  #transaction<T>(action: string, work: (tx: TransactionSql) => Promise<T>): Promise<T> {
    return pgGuarded(action, this.#location, () => this.#sql.begin(work) as Promise<T>);
  }

  async enqueueRun(runId: string): Promise<void> {
    await this.#transaction(`queue run ${runId}`, async (tx) => {
      const [run] = await tx`
        SELECT r.status, t.repo, (SELECT 1 FROM run_queue q WHERE q.run_id = r.id) AS queued
        FROM runs r JOIN tasks t ON t.id = r.task_id WHERE r.id = ${runId} FOR UPDATE OF r`;
      if (!run) {
        throw new StoreError(`cannot queue run ${runId}: it is not in ${this.#location}`, {
          code: "not_found",
          details: { runId },
        });
      }
      if (run.status !== "queued" || run.queued !== null) {
        throw new StoreError(
          `cannot queue run ${runId}: it is ${String(run.status)} and a run is queued once`,
          {
            code: "input_invalid",
            details: { runId, status: run.status },
          },
        );
      }
      await tx`INSERT INTO run_queue (run_id, repo) VALUES (${runId}, ${String(run.repo)})`;
    });
  }

  async claimRun(workerId: string, leaseMs: number, limits: ClaimLimits): Promise<RunLease | undefined> {
    checkClaim(workerId, leaseMs, limits);
    return this.#transaction(`claim a run for ${workerId}`, async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${claimLockKey})`;
      const [leased] = await tx`SELECT count(*)::int AS n FROM run_queue WHERE worker_id IS NOT NULL`;
      if (Number(leased?.n) >= limits.maxConcurrentRuns) return undefined;
      const [picked] = await tx`
        SELECT q.run_id FROM run_queue q JOIN runs r ON r.id = q.run_id
        WHERE q.worker_id IS NULL AND r.status = 'queued'
          AND (SELECT count(*) FROM run_queue l WHERE l.repo = q.repo AND l.worker_id IS NOT NULL)
              < ${limits.maxRunsPerRepository}
          AND q.repo NOT IN (SELECT jsonb_array_elements_text(${JSON.stringify(limits.skipRepositories ?? [])}::text::jsonb))
        ORDER BY q.position LIMIT 1 FOR UPDATE OF q, r SKIP LOCKED`;
      if (!picked) return undefined;
      const runId = String(picked.run_id);
      const expires = Date.now() + leaseMs;
      await tx`UPDATE run_queue SET worker_id = ${workerId}, lease_expires_ms = ${expires} WHERE run_id = ${runId}`;
      const [run] =
        await tx`UPDATE runs SET status = 'running', attempt = attempt + 1 WHERE id = ${runId} RETURNING attempt`;
      return { runId, workerId, attempt: Number(run?.attempt), expiresAt: new Date(expires).toISOString() };
    });
  }

  async holdRun(runId: string, holderId: string, leaseMs: number): Promise<RunLease> {
    checkHold(holderId, leaseMs);
    return this.#transaction(`hold run ${runId}`, async (tx) => {
      const [run] = await tx`
        SELECT r.status, r.attempt, t.repo, (SELECT 1 FROM run_queue q WHERE q.run_id = r.id) AS queued
        FROM runs r JOIN tasks t ON t.id = r.task_id WHERE r.id = ${runId} FOR UPDATE OF r`;
      if (run?.status !== "running" || run.queued !== null) throw holdRefused(runId, run?.status);
      const expires = Date.now() + leaseMs;
      await tx`
        INSERT INTO run_queue (run_id, repo, worker_id, lease_expires_ms)
        VALUES (${runId}, ${String(run.repo)}, ${holderId}, ${expires})`;
      return {
        runId,
        workerId: holderId,
        attempt: Number(run.attempt),
        expiresAt: new Date(expires).toISOString(),
      };
    });
  }

  async renewLease(lease: RunLease, leaseMs: number): Promise<RunLease | undefined> {
    return pgGuarded(`renew the lease of run ${lease.runId}`, this.#location, async () => {
      const now = Date.now();
      const expires = now + leaseMs;
      const renewed = await this.#sql`
        UPDATE run_queue q SET lease_expires_ms = ${expires} FROM runs r
        WHERE q.run_id = ${lease.runId} AND r.id = q.run_id AND q.worker_id = ${lease.workerId}
          AND q.lease_expires_ms >= ${now} AND r.status = 'running' AND r.attempt = ${lease.attempt}`;
      return renewed.count === 0 ? undefined : { ...lease, expiresAt: new Date(expires).toISOString() };
    });
  }

  async releaseRun(lease: RunLease): Promise<void> {
    await pgGuarded(`release run ${lease.runId}`, this.#location, async () => {
      await this.#sql`
        DELETE FROM run_queue q USING runs r
        WHERE q.run_id = ${lease.runId} AND r.id = q.run_id AND q.worker_id = ${lease.workerId}
          AND r.attempt = ${lease.attempt}`;
    });
  }

  async expireLeases(now: Date, maxAttempts: number): Promise<ExpiredLeases> {
    return this.#transaction("expire run leases", async (tx) => {
      // Stored "queued" before the grace but never queued: their submitter stopped in between.
      const cutoff = new Date(now.getTime() - orphanGraceMs).toISOString();
      const adopted = await tx`
        INSERT INTO run_queue (run_id, repo)
        SELECT r.id, t.repo FROM runs r JOIN tasks t ON t.id = r.task_id
        WHERE r.status = 'queued' AND r.started_at < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM run_queue q WHERE q.run_id = r.id)
        ORDER BY r.started_at, r.id
        ON CONFLICT (run_id) DO NOTHING
        RETURNING run_id`;
      const result: ExpiredLeases = {
        requeued: [],
        interrupted: [],
        cancelled: [],
        adopted: adopted.map((row) => String(row.run_id)),
      };
      const rows = await tx`
        SELECT q.run_id, q.worker_id, r.status, r.attempt, r.cancel_requested_at, r.outcome, r.outcome_detail
        FROM run_queue q JOIN runs r ON r.id = q.run_id
        WHERE q.worker_id IS NOT NULL AND q.lease_expires_ms < ${now.getTime()}
        ORDER BY q.position FOR UPDATE OF q, r SKIP LOCKED`;
      for (const row of rows) {
        const runId = String(row.run_id);
        if (row.status !== "running") {
          // Its worker recorded the outcome but stopped before releasing: only the lease is left.
          await tx`DELETE FROM run_queue WHERE run_id = ${runId}`;
          continue;
        }
        const decision = expiryDecision(expiredRow(row), maxAttempts);
        if (decision.kind === "requeue") {
          await tx`UPDATE run_queue SET worker_id = NULL, lease_expires_ms = NULL WHERE run_id = ${runId}`;
          await tx`UPDATE runs SET status = 'queued' WHERE id = ${runId}`;
          result.requeued.push(runId);
          continue;
        }
        await finish(tx, runId, decision.outcome, decision.detail, now);
        result[decision.reported].push(runId);
      }
      return result;
    });
  }

  async requestCancel(runId: string): Promise<CancelResult> {
    return this.#transaction(`cancel run ${runId}`, async (tx) => {
      const [run] = await tx`SELECT status FROM runs WHERE id = ${runId} FOR UPDATE`;
      if (!run) return "unknown";
      if (run.status === "finished") return "finished";
      if (run.status === "queued") {
        await finish(tx, runId, "cancelled", "cancelled before a worker started it", new Date());
        return "cancelled";
      }
      await tx`UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, ${new Date().toISOString()}) WHERE id = ${runId}`;
      return "signalled";
    });
  }

  async cancelRequested(runId: string): Promise<boolean> {
    return pgGuarded(`read the cancel flag of run ${runId}`, this.#location, async () => {
      const [row] = await this.#sql`SELECT cancel_requested_at FROM runs WHERE id = ${runId}`;
      return row !== undefined && row.cancel_requested_at !== null;
    });
  }

  async listEventsAfter(runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
    checkEventsAfter(afterSeq, limit);
    return pgGuarded(`read the events of run ${runId}`, this.#location, async () => {
      const rows = await this.#sql`
        SELECT * FROM run_events WHERE run_id = ${runId} AND seq > ${afterSeq} ORDER BY seq LIMIT ${limit}`;
      return (rows as Row[]).map((row) => rowToEvent(row, this.#location));
    });
  }
}

/** Throw LeaseLostError unless `lease` is still held; locks its queue row until `tx` ends. */
export async function assertHeld(tx: TransactionSql, lease: RunLease): Promise<void> {
  const [held] = await tx`
    SELECT 1 FROM run_queue q JOIN runs r ON r.id = q.run_id
    WHERE q.run_id = ${lease.runId} AND q.worker_id = ${lease.workerId} AND r.attempt = ${lease.attempt}
      AND r.status = 'running' AND q.lease_expires_ms >= ${Date.now()}
    FOR UPDATE OF q`;
  if (!held) throw new LeaseLostError(lease);
}

/** End a run that no worker holds: out of the queue, finished with `outcome`. */
async function finish(
  tx: TransactionSql,
  runId: string,
  outcome: string,
  detail: string,
  at: Date,
): Promise<void> {
  await tx`DELETE FROM run_queue WHERE run_id = ${runId}`;
  await tx`
    UPDATE runs SET status = 'finished', outcome = ${outcome}, outcome_detail = ${detail}, ended_at = ${at.toISOString()}
    WHERE id = ${runId}`;
}
