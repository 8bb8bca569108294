// Reading rate-limit answers (GitHub and GitLab headers) and the bounded wait built on them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rejectionOf } from "./forge-test-support.ts";
import { defaultRateLimitPolicy, rateLimitDelayMs, systemClock, waitForRateLimit } from "./rate-limit.ts";

const now = Date.UTC(2026, 0, 5, 12, 0, 0);
const neverSleeps = { now: () => now, sleep: () => assert.fail("slept") };

describe("rateLimitDelayMs", () => {
  test("reads retry-after in seconds and as an HTTP date", () => {
    assert.equal(rateLimitDelayMs(429, { "retry-after": "20" }, now), 20_000);
    const date = new Date(now + 45_000).toUTCString();
    assert.equal(rateLimitDelayMs(403, { "retry-after": date }, now), 45_000);
  });

  test("waits until x-ratelimit-reset (plus a second) when the remaining count is 0", () => {
    const reset = String(now / 1000 + 30);
    assert.equal(
      rateLimitDelayMs(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }, now),
      31_000,
    );
    assert.equal(
      rateLimitDelayMs(429, { "ratelimit-remaining": "0", "ratelimit-reset": reset }, now),
      31_000,
    );
  });

  test("a 403 that is not about a rate limit is not one (the token lacks rights)", () => {
    assert.equal(
      rateLimitDelayMs(403, { "x-ratelimit-remaining": "4999" }, now, "Resource not accessible"),
      undefined,
    );
    assert.equal(rateLimitDelayMs(404, { "retry-after": "5" }, now), undefined);
  });

  test("a secondary rate limit without headers waits a minute", () => {
    assert.equal(rateLimitDelayMs(403, {}, now, "You have exceeded a secondary rate limit"), 60_000);
  });
});

describe("waitForRateLimit", () => {
  test("gives up at once, without sleeping, when the wait is longer than the policy allows", async () => {
    const error = await rejectionOf(
      waitForRateLimit("GitHub", 3_600_000, 1, {
        policy: defaultRateLimitPolicy,
        clock: neverSleeps,
        signal: undefined,
      }),
    );
    assert.equal(error.code, "forge_rate_limited");
    assert.match(error.message, /60 min.*60 s/);
  });

  test("gives up after the last attempt even for a short wait", async () => {
    const error = await rejectionOf(
      waitForRateLimit("GitLab", 1_000, defaultRateLimitPolicy.maxAttempts, {
        policy: defaultRateLimitPolicy,
        clock: neverSleeps,
        signal: undefined,
      }),
    );
    assert.equal(error.code, "forge_rate_limited");
  });

  test("a cancelled call stops waiting with a ForgeError", async () => {
    const controller = new AbortController();
    const waiting = waitForRateLimit("GitHub", 50_000, 1, {
      policy: defaultRateLimitPolicy,
      clock: systemClock,
      signal: controller.signal,
    });
    controller.abort();
    const error = await rejectionOf(waiting);
    assert.equal(error.code, "forge_failed");
    assert.match(error.message, /cancelled/);
  });
});
