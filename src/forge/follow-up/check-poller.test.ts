// pollChecks against a small in-memory forge of our own Forge interface (no library is involved).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CheckResult, Forge } from "../forge.ts";
import { pollChecks } from "./check-poller.ts";

function forgeAnswering(answers: CheckResult[][]): Forge & { calls: number } {
  const unused = () => Promise.reject(new Error("not used in this test"));
  const forge = {
    name: "scripted",
    repository: "test/repo",
    calls: 0,
    checks: async () => {
      const answer = answers[Math.min(forge.calls, answers.length - 1)]!;
      forge.calls += 1;
      return answer;
    },
    push: unused,
    remoteBranchSha: unused,
    findPullRequest: unused,
    createPullRequest: unused,
    updatePullRequest: unused,
    checkLog: unused,
    comments: unused,
    comment: unused,
  };
  return forge;
}

const options = { signal: new AbortController().signal, initialDelayMs: 1, maxDelayMs: 4 };

test("polls until every check has settled", async () => {
  const forge = forgeAnswering([
    [],
    [{ name: "test", state: "pending" }],
    [{ name: "test", state: "failure" }],
  ]);
  const result = await pollChecks(forge, "abc", { ...options, maxWaitMs: 60_000 });
  assert.equal(result.timedOut, false);
  assert.equal(result.polls, 3);
  assert.deepEqual(result.checks, [{ name: "test", state: "failure" }]);
});

test("stops at the wait limit and says so", async () => {
  const forge = forgeAnswering([[{ name: "test", state: "pending" }]]);
  const result = await pollChecks(forge, "abc", { ...options, maxWaitMs: 30 });
  assert.equal(result.timedOut, true);
  assert.ok(result.polls >= 2);
});

test("an abort ends the wait at once", async () => {
  const controller = new AbortController();
  const forge = forgeAnswering([[{ name: "test", state: "pending" }]]);
  const polling = pollChecks(forge, "abc", {
    ...options,
    signal: controller.signal,
    maxWaitMs: 60_000,
    initialDelayMs: 60_000,
  });
  controller.abort();
  await assert.rejects(polling);
});
