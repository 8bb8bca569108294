// Turns an unexpected SQLite failure into a StoreError that says what failed, why and what to do, and
// waits out another process's write lock without blocking the event loop.
import { setTimeout as sleep } from "node:timers/promises";
import { SlipwayError } from "../../core/errors.ts";
import { StoreBusyError } from "../store-errors.ts";
import { storeFailure } from "./store-failure.ts";

/**
 * How long a call waits for another connection's lock before failing. SQLite's own busy_timeout
 * would sleep inside the native call and freeze the event loop (sandbox sessions, the egress proxy),
 * so connections open with timeout 0 and `guarded` retries here, yielding to the loop between tries.
 */
export const defaultBusyWaitMs = 5000;
/** The longest pause between two tries; short enough that a freed lock is taken quickly. */
const maxBackoffMs = 25;
/** A hard cap on tries, so the loop is bounded even if the clock stands still. */
const maxTries = 10_000;

const sqliteBusy = 5;
const sqliteLocked = 6;

function isBusy(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof errcode !== "number") return false;
  const primary = errcode & 0xff;
  return primary === sqliteBusy || primary === sqliteLocked;
}

function failure(action: string, location: string, error: unknown): Error {
  if (SlipwayError.isInstance(error)) return error;
  return storeFailure(action, location, error);
}

/**
 * Run `work` (synchronous SQLite calls, a whole transaction at most); while it fails because the
 * database is locked, wait a few milliseconds (not blocking the loop) and run it again, for at most
 * `busyWaitMs`, then throw StoreBusyError. Any other failure becomes a StoreError saying what failed.
 * `work` must be safe to run again: a transaction that failed was rolled back.
 */
export async function guarded<T>(
  action: string,
  location: string,
  work: () => T,
  busyWaitMs: number = defaultBusyWaitMs,
): Promise<T> {
  const deadline = Date.now() + busyWaitMs;
  let backoff = 1;
  for (let tries = 1; ; tries++) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error)) throw failure(action, location, error);
      if (Date.now() >= deadline || tries >= maxTries) {
        throw new StoreBusyError(
          `could not ${action}: ${location} stayed locked by another Slipway process for ${busyWaitMs} ms: try again when it has finished`,
          { details: { location, busyWaitMs, tries }, cause: error },
        );
      }
      await sleep(backoff + Math.random() * backoff);
      backoff = Math.min(backoff * 2, maxBackoffMs);
    }
  }
}
