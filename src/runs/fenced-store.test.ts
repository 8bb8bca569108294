// A lost attempt must not write over the next one's record: behind a fence, writes throw; reads work.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { after, it } from "node:test";
import { tempDir } from "../../test/helpers/git-fixture.ts";
import { StoreError } from "../core/errors.ts";
import { retryStoreWrite } from "../pipeline/store-write-retry.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { fencedStore } from "./fenced-store.ts";

const dir = tempDir("fence");
after(() => rmSync(dir, { recursive: true, force: true }));

it("writes through until the fence is set, then throws on every write and still reads", async () => {
  const store = await openSqliteStore(path.join(dir, "slipway.db"));
  const fence = { lost: false, reason: "the worker lost its lease" };
  const fenced = fencedStore(store, fence);
  const task = makeTask();
  await fenced.createTask(task);
  const run = makeRun(task, 0);
  await fenced.createRun(run);
  await fenced.updateRun(run.id, { turns: 1 });
  fence.lost = true;
  await assert.rejects(
    async () => fenced.updateRun(run.id, { turns: 2 }),
    (error) => error instanceof StoreError && /not recorded: the worker lost its lease/.test(error.message),
  );
  await assert.rejects(async () =>
    fenced.appendEvent({ runId: run.id, at: new Date().toISOString(), type: "x", stage: "agent", data: {} }),
  );
  assert.equal(
    (await fenced.getRun(run.id))?.turns,
    1,
    "the record is what the attempt wrote before it lost the run",
  );
  assert.deepEqual(await fenced.listEvents(run.id), []);
  await fenced.close();
});

it("a fenced write is final: the run's write retry gives up at once instead of keeping a stopped worker alive", async () => {
  const store = await openSqliteStore(path.join(dir, "final.db"));
  const fence = { lost: false, reason: "the worker handed the run back" };
  const fenced = fencedStore(store, fence);
  const task = makeTask();
  await fenced.createTask(task);
  const run = makeRun(task, 0);
  await fenced.createRun(run);
  fence.lost = true;
  let tries = 0;
  await assert.rejects(
    retryStoreWrite(() => {
      tries += 1;
      return fenced.updateRun(run.id, { turns: 2 });
    }, 2_000),
    /not recorded: the worker handed the run back/,
  );
  assert.equal(tries, 1, "tried once, not again and again until the retry window ends");
  await fenced.close();
});

it("carries the worker's lease: once another attempt took the run, the old attempt's writes are refused by the store", async () => {
  const store = await openSqliteStore(path.join(dir, "lease.db"));
  const task = makeTask();
  await store.createTask(task);
  const run = makeRun(task, 0, { status: "queued" });
  await store.createRun(run);
  await store.enqueueRun(run.id);
  const limits = { maxConcurrentRuns: 5, maxRunsPerRepository: 5 };
  const first = (await store.claimRun("worker-1", 1, limits))!;
  // The fence is not set: worker-1 has not noticed yet that its lease ran out.
  const stale = fencedStore(store, { lost: false, reason: "", lease: first });
  await new Promise((resolve) => setTimeout(resolve, 5));
  await store.expireLeases(new Date(), 3);
  const second = (await store.claimRun("worker-2", 60_000, limits))!;
  assert.equal(second.attempt, 2);
  await assert.rejects(
    stale.updateRun(run.id, { turns: 9 }),
    (error: Error) => error.name === "LeaseLostError",
  );
  await assert.rejects(
    stale.appendEvent({ runId: run.id, at: new Date().toISOString(), type: "x", stage: "agent", data: {} }),
    (error: Error) => error.name === "LeaseLostError",
  );
  const current = fencedStore(store, { lost: false, reason: "", lease: second });
  assert.equal((await current.updateRun(run.id, { turns: 2 })).turns, 2, "the holder's writes go through");
  await store.close();
});
