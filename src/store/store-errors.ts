// Typed store errors a caller may want to tell apart: the store stayed busy past its bound, a
// uniqueness rule (one open pull request per branch) refused a write, a store failed its integrity check.

import type { SlipwayErrorOptions } from "../core/errors.ts";
import { StoreError } from "../core/errors.ts";

/** Another process held the store's write lock longer than the bound this one waits. */
export class StoreBusyError extends StoreError {
  constructor(message: string, options: SlipwayErrorOptions = {}) {
    super(message, options);
    this.name = "StoreBusyError";
  }
}

/** A write lost to a uniqueness rule of the store (e.g. one open pull request per branch). */
export class StoreConflictError extends StoreError {
  constructor(message: string, options: SlipwayErrorOptions = {}) {
    super(message, { ...options, code: "input_invalid" });
    this.name = "StoreConflictError";
  }
}

/** The store failed its integrity check at open: reads may go on, writes are refused. */
export class StoreDamagedError extends StoreError {
  constructor(message: string, options: SlipwayErrorOptions = {}) {
    super(message, options);
    this.name = "StoreDamagedError";
  }
}

/** The name of the index that keeps one open pull request per forge, repository and head branch. */
export const oneOpenPerHeadIndex = "pull_requests_one_open_per_head";

/** The loser's error when a branch already has an open pull request. */
export function openPullRequestConflict(
  key: { forge: string; repository: string; head: string },
  openNumber: number | undefined,
  cause?: unknown,
): StoreConflictError {
  const which = openNumber === undefined ? "another open pull request" : `pull request #${openNumber}`;
  return new StoreConflictError(
    `branch ${key.head} of ${key.forge} ${key.repository} already has an open pull request (${which}): update or close that one instead of opening another`,
    { details: { ...key, openNumber }, cause },
  );
}

/**
 * A write refused because its worker already knows it lost (or handed back) the run: final, like a
 * lost lease — retrying it only keeps a stopped worker alive.
 */
export class StoreFencedError extends StoreError {
  constructor(reason: string, write: string) {
    super(`not recorded: ${reason}`, { details: { write } });
    this.name = "StoreFencedError";
  }
}

/** A write fenced by a lease the writer no longer holds: its run belongs to another attempt now. */
export class LeaseLostError extends StoreError {
  constructor(lease: { runId: string; workerId: string; attempt: number }) {
    super(
      `not recorded: run ${lease.runId} is no longer leased to ${lease.workerId} (attempt ${lease.attempt}): its lease expired, was released, or another attempt holds it`,
      { details: { ...lease } },
    );
    this.name = "LeaseLostError";
  }
}
