// The store's queue: runs to do, claimed by workers with leases that expire, so a run outlives the
// process that started it (issue 14). Every store (SQLite, Postgres) implements it; queue.contract.ts checks it.
import type { RunEvent } from "../core/run.ts";

/** A worker's hold on one run. `attempt` tells one lease of a run from the next one. */
export interface RunLease {
  runId: string;
  workerId: string;
  attempt: number;
  /** ISO time after which the lease is lost unless renewed. */
  expiresAt: string;
}

export interface ClaimLimits {
  /** At most this many runs leased at once, all repositories together (limits.maxConcurrentRuns). */
  maxConcurrentRuns: number;
  /** At most this many leased runs whose task has the same repo. */
  maxRunsPerRepository: number;
  /** Repositories whose queued runs are not claimed now (their budget is spent: they wait). */
  skipRepositories?: readonly string[];
}

/** What one expireLeases pass did: runs put back in the queue, runs ended for good. */
export interface ExpiredLeases {
  /** Back to "queued" (attempt < maxAttempts); a worker restarts them. */
  requeued: string[];
  /**
   * Finished: their last allowed attempt or their own process (holdRun) lost its lease, outcome
   * interrupted; or they had stored their outcome before cleanup, which they keep.
   */
  interrupted: string[];
  /** Finished "cancelled": cancel was requested and then the lease expired (no worker left to honour it). */
  cancelled: string[];
  /**
   * Runs stored "queued" more than `orphanGraceMs` before `now` but never queued (their submitter
   * stopped between createRun and enqueueRun): queued now, so no run waits forever.
   */
  adopted: string[];
}

/**
 * Holder ids of runs executed by the process that submitted them (`slipway run`, holdRun): when
 * such a lease expires the run ends interrupted, it is never queued for a worker.
 */
export const inProcessHolderPrefix = "process:";

/** How old a stored-but-never-queued run must be before expireLeases queues it itself. */
export const orphanGraceMs = 60_000;

export type CancelResult = "cancelled" | "signalled" | "finished" | "unknown";

export interface RunQueue {
  /** Queue a run that createRun stored with status "queued" (a run is queued once). */
  enqueueRun(runId: string): Promise<void>;
  /** Atomically lease the oldest queued run the limits allow (attempt+1, status "running"); undefined when none. */
  claimRun(workerId: string, leaseMs: number, limits: ClaimLimits): Promise<RunLease | undefined>;
  /**
   * Lease a run its submitter executes itself (stored "running", not in the queue) to `holderId`,
   * which starts with inProcessHolderPrefix; renewed and released like a claimed run's lease, and
   * when it expires the run ends interrupted. Liveness by lease, never by pid or hostname.
   */
  holdRun(runId: string, holderId: string, leaseMs: number): Promise<RunLease>;
  /** Extend a lease still held; undefined when it was lost (expired, taken by another attempt, finished). */
  renewLease(lease: RunLease, leaseMs: number): Promise<RunLease | undefined>;
  /** Drop the lease of a run whose outcome is recorded. */
  releaseRun(lease: RunLease): Promise<void>;
  /** Runs whose lease expired: back to "queued" while attempt < maxAttempts, else finished "interrupted". Idempotent under concurrency. */
  expireLeases(now: Date, maxAttempts: number): Promise<ExpiredLeases>;
  /** Cancel: a queued run ends "cancelled" at once; a running one is flagged for its worker. */
  requestCancel(runId: string): Promise<CancelResult>;
  /** True once cancel was requested for the run (the worker polls this while renewing). */
  cancelRequested(runId: string): Promise<boolean>;
  /** Events of a run with seq > afterSeq, in order, at most limit (for `logs -f` from any process). */
  listEventsAfter(runId: string, afterSeq: number, limit: number): Promise<RunEvent[]>;
}
