// Contract cases for runs held by their own process (holdRun) and for expiry of a run that had
// stored its outcome before cleanup; part of the queue contract every store passes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SlipwayError } from "../core/errors.ts";
import type { Store } from "./store.ts";
import { makeRun, makeTask } from "./store-fixtures.ts";

const minute = 60_000;
const later = () => new Date(Date.now() + 10 * minute);
const roomy = { maxConcurrentRuns: 100, maxRunsPerRepository: 100 };

let minutes = 0;
/** A run stored running by the process that executes it (attempt 1, never queued). */
async function inProcessRun(store: Store): Promise<string> {
  const task = makeTask();
  await store.createTask(task);
  const run = makeRun(task, ++minutes, { status: "running", attempt: 1, state: { owner: "process" } });
  await store.createRun(run);
  return run.id;
}

const refused = (code: string) => (error: unknown) => SlipwayError.isInstance(error) && error.code === code;

export function holdCases(current: () => { store: Store; another: () => Promise<Store> }): void {
  test("a held run is never claimed; its expired lease ends it interrupted, never queued for a worker", async () => {
    const { store } = current();
    const id = await inProcessRun(store);
    const lease = await store.holdRun(id, "process:host:1:ab", minute);
    assert.equal(lease.attempt, 1);
    await assert.rejects(store.holdRun(id, "process:other", minute), refused("input_invalid"));
    await assert.rejects(store.holdRun("run_missing", "process:x", minute), refused("not_found"));
    await assert.rejects(store.holdRun(id, "worker-1", minute), refused("input_invalid"));
    assert.equal(await store.claimRun("worker-1", minute, roomy), undefined);
    assert.ok(await store.renewLease(lease, minute), "renewed like a worker's lease");
    const expired = await store.expireLeases(later(), 3);
    assert.deepEqual(expired.interrupted, [id]);
    assert.deepEqual(expired.requeued, []);
    const run = await store.getRun(id);
    assert.equal(run?.status, "finished");
    assert.equal(run?.outcome, "interrupted");
    assert.match(run?.outcomeDetail ?? "", /process running it stopped renewing its lease/);
  });

  test("six expirers at once end a dead held run once; a released hold leaves nothing to expire", async () => {
    const { store, another } = current();
    const dead = await inProcessRun(store);
    const done = await inProcessRun(store);
    await store.holdRun(dead, "process:a", minute);
    const finished = await store.holdRun(done, "process:b", minute);
    await store.updateRun(done, {
      status: "finished",
      outcome: "success",
      endedAt: new Date().toISOString(),
    });
    await store.releaseRun(finished);
    const others = await Promise.all(Array.from({ length: 5 }, () => another()));
    try {
      const when = later();
      const results = await Promise.all([store, ...others].map((each) => each.expireLeases(when, 3)));
      assert.deepEqual(
        results.flatMap((result) => result.interrupted),
        [dead],
      );
      assert.equal((await store.getRun(done))?.outcome, "success");
    } finally {
      await Promise.all(others.map((each) => each.close()));
    }
  });

  test("a run whose lease expires after it stored its outcome (dying in cleanup) keeps that outcome", async () => {
    const { store } = current();
    const id = await inProcessRun(store);
    await store.holdRun(id, "process:c", minute);
    await store.updateRun(id, {
      stage: "cleanup",
      outcome: "success",
      outcomeDetail: "pull request #3 opened",
    });
    const expired = await store.expireLeases(later(), 3);
    assert.deepEqual(expired.interrupted, [id]);
    const run = await store.getRun(id);
    assert.equal(run?.status, "finished");
    assert.equal(run?.outcome, "success");
    assert.match(run?.outcomeDetail ?? "", /^pull request #3 opened \(its process stopped during cleanup\)$/);
  });
}
