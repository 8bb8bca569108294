// Checks and wording every RunQueue implementation shares, so SQLite and Postgres refuse the same
// bad arguments with the same words.
import { StoreError } from "../core/errors.ts";
import { type ClaimLimits, inProcessHolderPrefix } from "./run-queue.ts";

function wholeNumber(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new StoreError(`${name} must be a whole number ≥ ${minimum}, got ${value}`, {
      code: "input_invalid",
      details: { [name]: value },
    });
  }
}

export function checkClaim(workerId: string, leaseMs: number, limits: ClaimLimits): void {
  if (workerId.length === 0) throw new StoreError("a worker id must not be empty", { code: "input_invalid" });
  wholeNumber("leaseMs", leaseMs, 1);
  wholeNumber("maxConcurrentRuns", limits.maxConcurrentRuns, 0);
  wholeNumber("maxRunsPerRepository", limits.maxRunsPerRepository, 0);
}

export function checkEventsAfter(afterSeq: number, limit: number): void {
  wholeNumber("afterSeq", afterSeq, 0);
  wholeNumber("limit", limit, 0);
}

/** The outcome detail of a run whose last lease expired. */
export function expiredDetail(outcome: "cancelled" | "interrupted", attempt: number): string {
  return outcome === "cancelled"
    ? `cancelled: its worker stopped renewing the lease after cancel was requested (attempt ${attempt})`
    : `its worker stopped renewing the lease on attempt ${attempt}, the last one allowed`;
}

/** What expireLeases does with one running run whose lease expired. */
export type ExpiryDecision =
  | { kind: "requeue" }
  | { kind: "finish"; outcome: string; detail: string; reported: "interrupted" | "cancelled" };

/** The expired lease's row: who held it, which attempt, and what the run recorded. */
export interface ExpiredRow {
  workerId: string;
  attempt: number;
  cancelRequested: boolean;
  /** An outcome the run stored before its cleanup (it is then only cleaning up: its work is done). */
  outcome: string | null;
  outcomeDetail: string | null;
}

/**
 * Requeue, or finish: a run that had recorded its outcome keeps it (it died cleaning up, maybe after
 * opening its pull request); a run its own process executed (holdRun) is never queued for a worker.
 */
export function expiryDecision(row: ExpiredRow, maxAttempts: number): ExpiryDecision {
  if (row.outcome !== null) {
    const detail = `${row.outcomeDetail ?? row.outcome} (its process stopped during cleanup)`;
    return { kind: "finish", outcome: row.outcome, detail, reported: "interrupted" };
  }
  if (row.cancelRequested)
    return {
      kind: "finish",
      outcome: "cancelled",
      detail: expiredDetail("cancelled", row.attempt),
      reported: "cancelled",
    };
  if (row.workerId.startsWith(inProcessHolderPrefix)) {
    const detail = `the process running it stopped renewing its lease (attempt ${row.attempt})`;
    return { kind: "finish", outcome: "interrupted", detail, reported: "interrupted" };
  }
  if (row.attempt < maxAttempts) return { kind: "requeue" };
  return {
    kind: "finish",
    outcome: "interrupted",
    detail: expiredDetail("interrupted", row.attempt),
    reported: "interrupted",
  };
}

/** An expired lease's row as both stores select it (q.worker_id, r.attempt, r.cancel_requested_at, r.outcome, r.outcome_detail). */
export function expiredRow(row: Record<string, unknown>): ExpiredRow {
  return {
    workerId: String(row.worker_id),
    attempt: Number(row.attempt),
    cancelRequested: row.cancel_requested_at !== null && row.cancel_requested_at !== undefined,
    outcome: typeof row.outcome === "string" ? row.outcome : null,
    outcomeDetail: typeof row.outcome_detail === "string" ? row.outcome_detail : null,
  };
}

export function checkHold(holderId: string, leaseMs: number): void {
  if (!holderId.startsWith(inProcessHolderPrefix) || holderId.length === inProcessHolderPrefix.length) {
    throw new StoreError(
      `an in-process holder id must start with '${inProcessHolderPrefix}', got '${holderId}'`,
      {
        code: "input_invalid",
      },
    );
  }
  wholeNumber("leaseMs", leaseMs, 1);
}

/** holdRun's refusal: only a running run outside the queue can be held by its own process. */
export function holdRefused(runId: string, status: unknown): StoreError {
  return new StoreError(
    `cannot hold run ${runId}: it is ${status === undefined ? "not in the store" : `${String(status)} or already leased`}; only a run its own process executes is held`,
    { code: status === undefined ? "not_found" : "input_invalid", details: { runId } },
  );
}
