// Rate limits of hosted forges: how long an answer asks Slipway to wait, and whether it will wait
// that long or give up with a clear error. Pure decisions plus one abortable sleep; GitHub and
// GitLab clients share them so both back off the same way and never spin.
import { setTimeout as delay } from "node:timers/promises";
import { ForgeError } from "../core/errors.ts";

/** Time as the forge clients see it; tests pass one that records waits instead of sleeping. */
export interface ForgeClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: ForgeClock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, { signal });
  },
};

export interface RateLimitPolicy {
  /** The longest single wait Slipway accepts; a longer one fails with `forge_rate_limited`. */
  maxWaitMs: number;
  /** Requests per call, the first included: after this many rate-limited answers it gives up. */
  maxAttempts: number;
}

export const defaultRateLimitPolicy: RateLimitPolicy = { maxWaitMs: 60_000, maxAttempts: 3 };

/** GitHub's documented advice for a secondary rate limit without headers: wait at least a minute. */
const waitWithoutHeadersMs = 60_000;
/** `x-ratelimit-reset` has one-second resolution: one more second avoids retrying a moment early. */
const resetMarginMs = 1_000;

export type ResponseHeaders = Readonly<Record<string, string | undefined>>;

function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The wait (ms) a forge's answer asks for, or undefined when the answer is not a rate limit.
 * Reads `retry-after` (seconds or a date), then `x-ratelimit-remaining: 0` with
 * `x-ratelimit-reset` (GitHub; GitLab's `ratelimit-*` spelling too). A 429, or a 403 whose
 * message speaks of a rate limit, without either header waits a minute.
 */
export function rateLimitDelayMs(
  status: number,
  headers: ResponseHeaders,
  nowMs: number,
  message = "",
): number | undefined {
  const retryAfter = retryAfterMs(headers["retry-after"], nowMs);
  const remaining = headers["x-ratelimit-remaining"] ?? headers["ratelimit-remaining"];
  const reset = headers["x-ratelimit-reset"] ?? headers["ratelimit-reset"];
  const exhausted = remaining?.trim() === "0";
  const limited =
    status === 429 ||
    (status === 403 && (retryAfter !== undefined || exhausted || /rate limit/i.test(message)));
  if (!limited) return undefined;
  if (retryAfter !== undefined) return retryAfter;
  if (exhausted && reset !== undefined && /^\d+$/.test(reset.trim())) {
    return Math.max(0, Number(reset.trim()) * 1000 - nowMs) + resetMarginMs;
  }
  return waitWithoutHeadersMs;
}

function describeWait(ms: number): string {
  if (ms < 90_000) return `${Math.ceil(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `${Math.ceil(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** The error for a limit Slipway will not wait out. */
export function rateLimitError(
  forgeName: string,
  waitMs: number,
  attempt: number,
  policy: RateLimitPolicy,
): ForgeError {
  const why =
    waitMs > policy.maxWaitMs
      ? `asks Slipway to wait ${describeWait(waitMs)}, more than the ${describeWait(policy.maxWaitMs)} it waits`
      : `still limits requests after ${attempt} tries`;
  return new ForgeError(
    `${forgeName}'s rate limit ${why}: try again later, or use a token with a higher limit`,
    { code: "forge_rate_limited", details: { waitMs, attempt, maxWaitMs: policy.maxWaitMs } },
  );
}

/**
 * Wait out a rate limit when the policy allows it (resolves after the wait), else throw
 * `forge_rate_limited`. `attempt` counts the requests made so far, the limited one included.
 */
export async function waitForRateLimit(
  forgeName: string,
  waitMs: number,
  attempt: number,
  options: { policy: RateLimitPolicy; clock: ForgeClock; signal: AbortSignal | undefined },
): Promise<void> {
  const { policy, clock, signal } = options;
  if (waitMs > policy.maxWaitMs || attempt >= policy.maxAttempts) {
    throw rateLimitError(forgeName, waitMs, attempt, policy);
  }
  await sleepOrCancel(forgeName, clock, waitMs, signal);
}

/** Sleep on `clock`; a cancelled wait ends in a ForgeError rather than a bare AbortError. */
export async function sleepOrCancel(
  forgeName: string,
  clock: ForgeClock,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await clock.sleep(ms, signal ?? new AbortController().signal);
  } catch (error) {
    throw new ForgeError(`the ${forgeName} call was cancelled while waiting to retry`, { cause: error });
  }
}
