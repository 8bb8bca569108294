// Polls a commit's CI checks until none is pending, with exponential backoff between polls and a
// hard limit on the total wait. Never spins: every wait is a timer that the signal can cancel.
import { setTimeout as sleep } from "node:timers/promises";
import type { CheckResult, Forge } from "../forge.ts";

export interface PollOptions {
  signal: AbortSignal;
  /** Give up after this long; the result then says `timedOut`. */
  maxWaitMs: number;
  /** First pause between polls; doubled each time up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface PollResult {
  checks: CheckResult[];
  timedOut: boolean;
  polls: number;
}

/** Poll `sha`'s checks until all are settled (or there are none after the first wait) or time is up. */
export async function pollChecks(forge: Forge, sha: string, options: PollOptions): Promise<PollResult> {
  const deadline = performance.now() + options.maxWaitMs;
  let delay = options.initialDelayMs;
  let polls = 0;
  for (;;) {
    const checks = await forge.checks(sha, options.signal);
    polls += 1;
    const settled = checks.length > 0 && checks.every((check) => check.state !== "pending");
    if (settled) return { checks, timedOut: false, polls };
    const left = deadline - performance.now();
    if (left <= 0) return { checks, timedOut: true, polls };
    await sleep(Math.min(delay, left), undefined, { signal: options.signal });
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
}
