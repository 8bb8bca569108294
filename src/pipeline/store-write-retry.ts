// A run's store writes that fail for a passing reason (another process holds SQLite's write lock, the
// disk is full until someone frees space) are retried within a bound; after it the run ends with
// that cause instead of dying half-recorded (issue 14).
import { setTimeout as sleep } from "node:timers/promises";
import { describeError, StoreError } from "../core/errors.ts";
import {
  LeaseLostError,
  StoreConflictError,
  StoreDamagedError,
  StoreFencedError,
} from "../store/store-errors.ts";

/** How long one write is retried before the run gives up on it (each try also waits out the lock). */
export const storeRetryWindowMs = 30_000;

/** A store failure that waiting may cure; a lost lease or fence, a damaged file or a conflict never heals. */
export function isPassingStoreFailure(error: unknown): boolean {
  return (
    error instanceof StoreError &&
    !(error instanceof LeaseLostError) &&
    !(error instanceof StoreFencedError) &&
    !(error instanceof StoreDamagedError) &&
    !(error instanceof StoreConflictError)
  );
}

/** The outcome detail of a run ended by a store failure. */
export function storeFailureDetail(error: unknown): string {
  return `store write failed: ${describeError(error)}`;
}

/** `write`, tried again after passing failures until `windowMs` has gone by; then its last error. */
export async function retryStoreWrite<T>(write: () => Promise<T>, windowMs = storeRetryWindowMs): Promise<T> {
  const deadline = Date.now() + windowMs;
  let pauseMs = 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      // The attempt bound is a backstop: the window ends far sooner at these pauses.
      if (!isPassingStoreFailure(error) || Date.now() + pauseMs >= deadline || attempt >= 200) throw error;
      await sleep(pauseMs);
      pauseMs = Math.min(pauseMs * 2, 2_000);
    }
  }
}
