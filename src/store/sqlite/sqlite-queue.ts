// The run queue on SQLite: enqueue, claim with a lease (one BEGIN IMMEDIATE transaction, so racing
// processes never claim a run twice), renew, release, expire, cancel, and reading events after a seq.
import type { DatabaseSync } from "node:sqlite";
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
import { LeaseLostError } from "../store-errors.ts";
import { guarded } from "./sqlite-guard.ts";
import { rowToEvent } from "./sqlite-rows.ts";
import { inImmediateTransaction } from "./transaction.ts";

const pickSql = `
  SELECT q.run_id FROM run_queue q JOIN runs r ON r.id = q.run_id
  WHERE q.worker_id IS NULL AND r.status = 'queued'
    AND (SELECT count(*) FROM run_queue l WHERE l.repo = q.repo AND l.worker_id IS NOT NULL) < $perRepo
    AND q.repo NOT IN (SELECT value FROM json_each($skip))
  ORDER BY q.position LIMIT 1`;

export class SqliteQueue implements RunQueue {
  readonly #db: DatabaseSync;
  readonly #location: string;
  readonly #busyWaitMs: number;

  constructor(db: DatabaseSync, location: string, busyWaitMs: number) {
    this.#db = db;
    this.#location = location;
    this.#busyWaitMs = busyWaitMs;
  }

  #write<T>(action: string, work: () => T): Promise<T> {
    return guarded(action, this.#location, () => inImmediateTransaction(this.#db, work), this.#busyWaitMs);
  }

  async enqueueRun(runId: string): Promise<void> {
    await this.#write(`queue run ${runId}`, () => {
      const run = this.#db
        .prepare("SELECT r.status, t.repo FROM runs r JOIN tasks t ON t.id = r.task_id WHERE r.id = ?")
        .get(runId);
      if (!run)
        throw new StoreError(`cannot queue run ${runId}: it is not in ${this.#location}`, {
          code: "not_found",
          details: { runId },
        });
      if (
        run.status !== "queued" ||
        this.#db.prepare("SELECT 1 FROM run_queue WHERE run_id = ?").get(runId)
      ) {
        throw new StoreError(
          `cannot queue run ${runId}: it is ${String(run.status)} and a run is queued once`,
          {
            code: "input_invalid",
            details: { runId, status: run.status },
          },
        );
      }
      this.#db
        .prepare(
          "INSERT INTO run_queue (run_id, position, repo) VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM run_queue), ?)",
        )
        .run(runId, String(run.repo));
    });
  }

  async claimRun(workerId: string, leaseMs: number, limits: ClaimLimits): Promise<RunLease | undefined> {
    checkClaim(workerId, leaseMs, limits);
    return this.#write(`claim a run for ${workerId}`, () => {
      const leased = Number(
        this.#db.prepare("SELECT count(*) AS n FROM run_queue WHERE worker_id IS NOT NULL").get()?.n,
      );
      if (leased >= limits.maxConcurrentRuns) return undefined;
      const picked = this.#db.prepare(pickSql).get({
        perRepo: limits.maxRunsPerRepository,
        skip: JSON.stringify(limits.skipRepositories ?? []),
      });
      if (!picked) return undefined;
      const runId = String(picked.run_id);
      const expires = Date.now() + leaseMs;
      this.#db
        .prepare("UPDATE run_queue SET worker_id = ?, lease_expires_ms = ? WHERE run_id = ?")
        .run(workerId, expires, runId);
      const run = this.#db
        .prepare("UPDATE runs SET status = 'running', attempt = attempt + 1 WHERE id = ? RETURNING attempt")
        .get(runId);
      return { runId, workerId, attempt: Number(run?.attempt), expiresAt: new Date(expires).toISOString() };
    });
  }

  async holdRun(runId: string, holderId: string, leaseMs: number): Promise<RunLease> {
    checkHold(holderId, leaseMs);
    return this.#write(`hold run ${runId}`, () => {
      const run = this.#db
        .prepare(
          `SELECT r.status, r.attempt, t.repo, (SELECT 1 FROM run_queue q WHERE q.run_id = r.id) AS queued
           FROM runs r JOIN tasks t ON t.id = r.task_id WHERE r.id = ?`,
        )
        .get(runId);
      if (run?.status !== "running" || run.queued !== null) throw holdRefused(runId, run?.status);
      const expires = Date.now() + leaseMs;
      this.#db
        .prepare(
          `INSERT INTO run_queue (run_id, position, repo, worker_id, lease_expires_ms)
           VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM run_queue), ?, ?, ?)`,
        )
        .run(runId, String(run.repo), holderId, expires);
      return {
        runId,
        workerId: holderId,
        attempt: Number(run.attempt),
        expiresAt: new Date(expires).toISOString(),
      };
    });
  }

  async renewLease(lease: RunLease, leaseMs: number): Promise<RunLease | undefined> {
    return this.#write(`renew the lease of run ${lease.runId}`, () => {
      const now = Date.now();
      const expires = now + leaseMs;
      const renewed = this.#db
        .prepare(
          `UPDATE run_queue SET lease_expires_ms = $expires
           WHERE run_id = $runId AND worker_id = $workerId AND lease_expires_ms >= $now
             AND (SELECT attempt FROM runs WHERE id = $runId AND status = 'running') = $attempt`,
        )
        .run({ expires, now, runId: lease.runId, workerId: lease.workerId, attempt: lease.attempt });
      return renewed.changes === 0 ? undefined : { ...lease, expiresAt: new Date(expires).toISOString() };
    });
  }

  async releaseRun(lease: RunLease): Promise<void> {
    await this.#write(`release run ${lease.runId}`, () => {
      this.#db
        .prepare(
          `DELETE FROM run_queue WHERE run_id = $runId AND worker_id = $workerId
             AND (SELECT attempt FROM runs WHERE id = $runId) = $attempt`,
        )
        .run({ runId: lease.runId, workerId: lease.workerId, attempt: lease.attempt });
    });
  }

  async expireLeases(now: Date, maxAttempts: number): Promise<ExpiredLeases> {
    return this.#write("expire run leases", () => {
      const result: ExpiredLeases = {
        requeued: [],
        interrupted: [],
        cancelled: [],
        adopted: this.#adoptOrphans(now),
      };
      const rows = this.#db
        .prepare(
          `SELECT q.run_id, q.worker_id, r.status, r.attempt, r.cancel_requested_at, r.outcome, r.outcome_detail
           FROM run_queue q JOIN runs r ON r.id = q.run_id
           WHERE q.worker_id IS NOT NULL AND q.lease_expires_ms < ? ORDER BY q.position`,
        )
        .all(now.getTime());
      for (const row of rows) {
        const runId = String(row.run_id);
        if (row.status !== "running") {
          // Its worker recorded the outcome but stopped before releasing: only the lease is left.
          this.#db.prepare("DELETE FROM run_queue WHERE run_id = ?").run(runId);
          continue;
        }
        const decision = expiryDecision(expiredRow(row), maxAttempts);
        if (decision.kind === "requeue") {
          this.#db
            .prepare("UPDATE run_queue SET worker_id = NULL, lease_expires_ms = NULL WHERE run_id = ?")
            .run(runId);
          this.#db.prepare("UPDATE runs SET status = 'queued' WHERE id = ?").run(runId);
          result.requeued.push(runId);
          continue;
        }
        this.#finish(runId, decision.outcome, decision.detail, now);
        result[decision.reported].push(runId);
      }
      return result;
    });
  }

  async requestCancel(runId: string): Promise<CancelResult> {
    return this.#write(`cancel run ${runId}`, () => {
      const run = this.#db.prepare("SELECT status FROM runs WHERE id = ?").get(runId);
      if (!run) return "unknown";
      if (run.status === "finished") return "finished";
      if (run.status === "queued") {
        this.#finish(runId, "cancelled", "cancelled before a worker started it", new Date());
        return "cancelled";
      }
      this.#db
        .prepare("UPDATE runs SET cancel_requested_at = coalesce(cancel_requested_at, ?) WHERE id = ?")
        .run(new Date().toISOString(), runId);
      return "signalled";
    });
  }

  async cancelRequested(runId: string): Promise<boolean> {
    return guarded(
      `read the cancel flag of run ${runId}`,
      this.#location,
      () => {
        const row = this.#db.prepare("SELECT cancel_requested_at FROM runs WHERE id = ?").get(runId);
        return row !== undefined && row.cancel_requested_at !== null;
      },
      this.#busyWaitMs,
    );
  }

  async listEventsAfter(runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
    checkEventsAfter(afterSeq, limit);
    return guarded(
      `read the events of run ${runId}`,
      this.#location,
      () =>
        this.#db
          .prepare("SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?")
          .all(runId, afterSeq, limit)
          .map((row) => rowToEvent(row, this.#location)),
      this.#busyWaitMs,
    );
  }

  /** Queue the runs stored "queued" before the grace that never reached the queue; inside a write transaction. */
  #adoptOrphans(now: Date): string[] {
    const cutoff = new Date(now.getTime() - orphanGraceMs).toISOString();
    const orphans = this.#db
      .prepare(
        `SELECT r.id, t.repo FROM runs r JOIN tasks t ON t.id = r.task_id
         WHERE r.status = 'queued' AND r.started_at < ? AND NOT EXISTS (SELECT 1 FROM run_queue q WHERE q.run_id = r.id)
         ORDER BY r.started_at, r.id`,
      )
      .all(cutoff);
    const insert = this.#db.prepare(
      "INSERT INTO run_queue (run_id, position, repo) VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM run_queue), ?)",
    );
    for (const orphan of orphans) insert.run(String(orphan.id), String(orphan.repo));
    return orphans.map((orphan) => String(orphan.id));
  }

  /** Throw LeaseLostError unless `lease` is still held; call inside a write transaction. */
  assertHeld(lease: RunLease): void {
    const held = this.#db
      .prepare(
        `SELECT 1 FROM run_queue q JOIN runs r ON r.id = q.run_id
         WHERE q.run_id = $runId AND q.worker_id = $workerId AND r.attempt = $attempt
           AND r.status = 'running' AND q.lease_expires_ms >= $now`,
      )
      .get({ runId: lease.runId, workerId: lease.workerId, attempt: lease.attempt, now: Date.now() });
    if (!held) throw new LeaseLostError(lease);
  }

  /** End a run that no worker holds: out of the queue, finished with `outcome`. */
  #finish(runId: string, outcome: string, detail: string, at: Date): void {
    this.#db.prepare("DELETE FROM run_queue WHERE run_id = ?").run(runId);
    this.#db
      .prepare(
        "UPDATE runs SET status = 'finished', outcome = ?, outcome_detail = ?, ended_at = ? WHERE id = ?",
      )
      .run(outcome, detail, at.toISOString(), runId);
  }
}
