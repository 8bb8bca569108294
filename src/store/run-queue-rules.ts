// Checks and wording every RunQueue implementation shares, so SQLite and Postgres refuse the same
// bad arguments with the same words.
import { StoreError } from "../core/errors.ts";
import type { ClaimLimits } from "./run-queue.ts";

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
