// Test support shared by the forge tests: a clock that records waits instead of sleeping, a helper
// that awaits an expected SlipwayError, a pull-request draft, and a push of a fresh commit.
import assert from "node:assert/strict";
import { SlipwayError } from "../core/errors.ts";
import type { Forge, PullRequestDraft } from "./forge.ts";
import type { ForgeTestRepositories } from "./forge-test-repositories.ts";
import type { ForgeClock } from "./rate-limit.ts";

export interface RecordingClock extends ForgeClock {
  /** Every wait asked for, in ms, in order. */
  waits: number[];
}

/** A clock whose sleep returns at once, records the wait and moves its time on by it. */
export function recordingClock(start = Date.UTC(2026, 0, 5, 12, 0, 0)): RecordingClock {
  let now = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

/** The SlipwayError `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejectionOf(promise: Promise<unknown>): Promise<SlipwayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(SlipwayError.isInstance(error), `expected a SlipwayError, got ${String(error)}`);
  return error;
}

/** A draft for `head` onto `main`, as the publish stage would send it. */
export function pullRequestDraft(head: string, overrides: Partial<PullRequestDraft> = {}): PullRequestDraft {
  return {
    head,
    base: "main",
    title: `Slipway: ${head}`,
    body: "## Task\nDo the thing.",
    draft: true,
    labels: [],
    reviewers: [],
    ...overrides,
  };
}

/** Commit a new file on `branch` in the mirror and push it through `forge` as a new branch. */
export async function pushNewCommit(
  forge: Forge,
  repos: ForgeTestRepositories,
  branch: string,
): Promise<string> {
  const sha = repos.commitInMirror(branch, `${branch.replaceAll("/", "-")}.txt`, `${branch}\n`);
  await forge.push({
    mirrorPath: repos.mirrorPath,
    branch,
    commit: sha,
    expectedRemoteSha: null,
    signal: AbortSignal.timeout(30_000),
  });
  return sha;
}
