// The contract suite every RunQueue (the queue part of a Store) must pass: claims, limits, leases,
// expiry, cancel and reading events after a seq. Each store runs it from its own test file.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { SlipwayError } from "../core/errors.ts";
import type { RunLease } from "./run-queue.ts";
import { holdCases } from "./run-queue-hold.contract.ts";
import type { Store } from "./store.ts";
import { makeRun, makeTask } from "./store-fixtures.ts";

/** A fresh empty store, a way to open more connections to the same store, and its disposal. */
export type OpenQueueStore = () => Promise<{
  store: Store;
  another: () => Promise<Store>;
  cleanup: () => Promise<void>;
}>;

interface Fixture {
  store: Store;
  another: () => Promise<Store>;
}

const roomy = { maxConcurrentRuns: 100, maxRunsPerRepository: 100 };
const minute = 60_000;
const later = () => new Date(Date.now() + 10 * minute);

let minutes = 0;
/** Create and enqueue `count` queued runs of a task of `repo`, oldest first; returns their ids. */
async function queueRuns(store: Store, count: number, repo = "/srv/repos/a"): Promise<string[]> {
  const task = makeTask({ repo });
  await store.createTask(task);
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const run = makeRun(task, ++minutes, { status: "queued" });
    await store.createRun(run);
    await store.enqueueRun(run.id);
    ids.push(run.id);
  }
  return ids;
}

async function claimAll(store: Store, workerId: string, limits = roomy): Promise<RunLease[]> {
  const leases: RunLease[] = [];
  for (let guard = 0; guard < 1000; guard++) {
    const lease = await store.claimRun(workerId, minute, limits);
    if (!lease) return leases;
    leases.push(lease);
  }
  throw new Error("claimAll did not drain the queue within 1000 claims");
}

const leaseLost = (error: unknown) => error instanceof Error && error.name === "LeaseLostError";

function storeErrorWith(code: string): (error: unknown) => boolean {
  return (error) => SlipwayError.isInstance(error) && error.code === code;
}

function claimCases(current: () => Fixture): void {
  test("a claim leases the oldest queued run: attempt 1, status running, an expiry in the future", async () => {
    const { store } = current();
    const [first, second] = await queueRuns(store, 2);
    const lease = await store.claimRun("worker-1", minute, roomy);
    assert.equal(lease?.runId, first);
    assert.equal(lease?.workerId, "worker-1");
    assert.equal(lease?.attempt, 1);
    assert.ok(Date.parse(lease!.expiresAt) > Date.now());
    const run = await store.getRun(first!);
    assert.equal(run?.status, "running");
    assert.equal(run?.attempt, 1);
    assert.equal((await store.claimRun("worker-2", minute, roomy))?.runId, second);
    assert.equal(await store.claimRun("worker-3", minute, roomy), undefined);
  });

  test("a run is queued once, only when queued, and only if it exists", async () => {
    const { store } = current();
    const [id] = await queueRuns(store, 1);
    await assert.rejects(store.enqueueRun(id!), storeErrorWith("input_invalid"));
    await assert.rejects(store.enqueueRun("run_missing"), storeErrorWith("not_found"));
    const task = makeTask();
    await store.createTask(task);
    const running = makeRun(task, ++minutes);
    await store.createRun(running);
    await assert.rejects(store.enqueueRun(running.id), storeErrorWith("input_invalid"));
  });

  test("claimers racing on several connections never lease one run twice", async () => {
    const { store, another } = current();
    const ids = await queueRuns(store, 24);
    const stores = [store, ...(await Promise.all([another(), another(), another()]))];
    try {
      const batches = await Promise.all(stores.map((each, index) => claimAll(each, `worker-${index}`)));
      const claimed = batches.flat().map((lease) => lease.runId);
      assert.equal(claimed.length, ids.length, "every run claimed exactly once");
      assert.deepEqual([...claimed].sort(), [...ids].sort());
    } finally {
      await Promise.all(stores.slice(1).map((each) => each.close()));
    }
  });

  test("claimers racing on several connections together lease no more than the limits allow", async () => {
    const { store, another } = current();
    await queueRuns(store, 6, "/srv/repos/a");
    await queueRuns(store, 6, "/srv/repos/b");
    const stores = [store, ...(await Promise.all([another(), another(), another()]))];
    const limits = { maxConcurrentRuns: 3, maxRunsPerRepository: 2 };
    try {
      const batches = await Promise.all(
        stores.map((each, index) => claimAll(each, `worker-${index}`, limits)),
      );
      const leases = batches.flat();
      assert.equal(leases.length, 3);
      const perRepository = new Map<string, number>();
      for (const lease of leases) {
        const run = await store.getRun(lease.runId);
        const repo = (await store.getTask(run!.taskId))!.repo;
        perRepository.set(repo, (perRepository.get(repo) ?? 0) + 1);
      }
      assert.ok(Math.max(...perRepository.values()) <= 2, "no repository over its limit");
    } finally {
      await Promise.all(stores.slice(1).map((each) => each.close()));
    }
  });

  test("at most maxConcurrentRuns leases at once; a release frees a place", async () => {
    const { store } = current();
    await queueRuns(store, 3);
    const limits = { maxConcurrentRuns: 2, maxRunsPerRepository: 10 };
    const leases = await claimAll(store, "worker-1", limits);
    assert.equal(leases.length, 2);
    await store.releaseRun(leases[0]!);
    assert.ok(await store.claimRun("worker-1", minute, limits));
    assert.equal(await store.claimRun("worker-1", minute, limits), undefined);
  });

  test("at most maxRunsPerRepository leases per repository; other repositories go ahead", async () => {
    const { store } = current();
    const [a1, a2] = await queueRuns(store, 2, "/srv/repos/a");
    const [b1] = await queueRuns(store, 1, "/srv/repos/b");
    const limits = { maxConcurrentRuns: 10, maxRunsPerRepository: 1 };
    const leases = await claimAll(store, "worker-1", limits);
    assert.deepEqual(
      leases.map((lease) => lease.runId),
      [a1, b1],
    );
    await store.releaseRun(leases[0]!);
    assert.equal((await store.claimRun("worker-1", minute, limits))?.runId, a2);
  });

  test("bad claim arguments are refused", async () => {
    const { store } = current();
    await assert.rejects(store.claimRun("", minute, roomy), storeErrorWith("input_invalid"));
    await assert.rejects(store.claimRun("w", 0, roomy), storeErrorWith("input_invalid"));
    await assert.rejects(
      store.claimRun("w", minute, { maxConcurrentRuns: 1.5, maxRunsPerRepository: 1 }),
      storeErrorWith("input_invalid"),
    );
  });
}

function leaseCases(current: () => Fixture): void {
  test("an expired lease is requeued while attempt < maxAttempts, then the run ends interrupted", async () => {
    const { store } = current();
    const [id] = await queueRuns(store, 1);
    await store.claimRun("worker-1", minute, roomy);
    assert.deepEqual(await store.expireLeases(new Date(), 2), {
      requeued: [],
      interrupted: [],
      cancelled: [],
      adopted: [],
    });
    assert.deepEqual(await store.expireLeases(later(), 2), {
      requeued: [id],
      interrupted: [],
      cancelled: [],
      adopted: [],
    });
    assert.equal((await store.getRun(id!))?.status, "queued");
    const second = await store.claimRun("worker-2", minute, roomy);
    assert.equal(second?.attempt, 2);
    assert.deepEqual(await store.expireLeases(later(), 2), {
      requeued: [],
      interrupted: [id],
      cancelled: [],
      adopted: [],
    });
    const run = await store.getRun(id!);
    assert.equal(run?.status, "finished");
    assert.equal(run?.outcome, "interrupted");
    assert.ok(run?.endedAt);
    assert.equal(await store.claimRun("worker-3", minute, roomy), undefined);
  });

  test("expireLeases on several connections at once hands each expired run to one of them", async () => {
    const { store, another } = current();
    const ids = await queueRuns(store, 6);
    await claimAll(store, "worker-1");
    const others = await Promise.all([another(), another()]);
    try {
      const when = later();
      const results = await Promise.all([store, ...others].map((each) => each.expireLeases(when, 3)));
      assert.deepEqual(results.flatMap((result) => result.requeued).sort(), [...ids].sort());
      assert.deepEqual(
        results.flatMap((result) => [...result.interrupted, ...result.cancelled]),
        [],
      );
    } finally {
      await Promise.all(others.map((each) => each.close()));
    }
  });

  test("renew extends a held lease; after expiry, a newer attempt or release it fails", async () => {
    const { store } = current();
    const [id] = await queueRuns(store, 1);
    const lease = (await store.claimRun("worker-1", minute, roomy))!;
    const renewed = await store.renewLease(lease, 10 * minute);
    assert.ok(renewed && Date.parse(renewed.expiresAt) > Date.parse(lease.expiresAt));
    await store.releaseRun(lease);
    assert.equal(await store.renewLease(lease, minute), undefined, "renew after release");

    const [other] = await queueRuns(store, 1);
    const short = (await store.claimRun("worker-1", 1, roomy))!;
    assert.equal(short.runId, other);
    await sleep(20);
    assert.equal(await store.renewLease(short, minute), undefined, "renew after expiry");
    await store.expireLeases(new Date(), 3);
    const retaken = (await store.claimRun("worker-2", minute, roomy))!;
    assert.equal(retaken.attempt, 2);
    assert.equal(await store.renewLease({ ...short, expiresAt: retaken.expiresAt }, minute), undefined);
    await store.releaseRun(short);
    assert.ok(await store.renewLease(retaken, minute), "a stale release leaves the newer lease alone");
    assert.ok(id);
  });

  test("writes fenced by a lease go through while it is held, and fail with LeaseLostError once it is lost", async () => {
    const { store } = current();
    const [id] = await queueRuns(store, 1);
    const event = {
      runId: id!,
      at: new Date().toISOString(),
      type: "note",
      stage: "agent" as const,
      data: {},
    };
    const first = (await store.claimRun("worker-1", 1, roomy))!;
    await sleep(20);
    await assert.rejects(store.updateRun(id!, { turns: 9 }, first), leaseLost);
    await store.expireLeases(new Date(), 3);
    const second = (await store.claimRun("worker-2", minute, roomy))!;
    await store.updateRun(id!, { turns: 2 }, second);
    await store.appendEvent(event, second);
    await assert.rejects(store.updateRun(id!, { turns: 9 }, first), leaseLost);
    await assert.rejects(store.appendEvent(event, first), leaseLost);
    assert.equal((await store.getRun(id!))?.turns, 2, "the stale attempt changed nothing");
    assert.equal((await store.listEvents(id!)).length, 1);
    await store.releaseRun(second);
    await assert.rejects(store.updateRun(id!, { turns: 3 }, second), leaseLost);
  });

  test("a run stored queued but never queued is adopted by expireLeases after the grace, not before", async () => {
    const { store } = current();
    const task = makeTask();
    await store.createTask(task);
    const orphan = makeRun(task, ++minutes, {
      status: "queued",
      startedAt: new Date(Date.now() - 5 * minute).toISOString(),
    });
    const fresh = makeRun(task, ++minutes, { status: "queued", startedAt: new Date().toISOString() });
    await store.createRun(orphan);
    await store.createRun(fresh);
    assert.equal(await store.claimRun("worker-1", minute, roomy), undefined);
    const result = await store.expireLeases(new Date(), 3);
    assert.deepEqual(result.adopted, [orphan.id]);
    assert.deepEqual((await store.expireLeases(new Date(), 3)).adopted, [], "adopted once");
    assert.equal((await store.claimRun("worker-1", minute, roomy))?.runId, orphan.id);
    await store.enqueueRun(fresh.id);
  });

  test("a finished run whose worker never released is dropped from the queue, not restarted", async () => {
    const { store } = current();
    const [id] = await queueRuns(store, 1);
    await store.claimRun("worker-1", minute, roomy);
    await store.updateRun(id!, { status: "finished", outcome: "success", endedAt: new Date().toISOString() });
    assert.deepEqual(await store.expireLeases(later(), 3), {
      requeued: [],
      interrupted: [],
      cancelled: [],
      adopted: [],
    });
    assert.equal(await store.claimRun("worker-2", minute, roomy), undefined);
    assert.equal((await store.getRun(id!))?.outcome, "success");
  });
}

function cancelCases(current: () => Fixture): void {
  test("cancelling a queued run ends it cancelled at once; no worker claims it", async () => {
    const { store } = current();
    const [id] = await queueRuns(store, 1);
    assert.equal(await store.requestCancel(id!), "cancelled");
    const run = await store.getRun(id!);
    assert.equal(run?.status, "finished");
    assert.equal(run?.outcome, "cancelled");
    assert.equal(await store.claimRun("worker-1", minute, roomy), undefined);
    assert.equal(await store.requestCancel(id!), "finished");
    assert.equal(await store.requestCancel("run_missing"), "unknown");
  });

  test("cancelling a running run flags it for its worker; if its lease then expires it ends cancelled", async () => {
    const { store } = current();
    const [id, other] = await queueRuns(store, 2);
    await store.claimRun("worker-1", minute, roomy);
    assert.equal(await store.cancelRequested(id!), false);
    assert.equal(await store.requestCancel(id!), "signalled");
    assert.equal(await store.cancelRequested(id!), true);
    assert.equal(await store.cancelRequested(other!), false);
    assert.equal((await store.getRun(id!))?.status, "running");
    assert.deepEqual(await store.expireLeases(later(), 3), {
      requeued: [],
      interrupted: [],
      cancelled: [id],
      adopted: [],
    });
    assert.equal((await store.getRun(id!))?.outcome, "cancelled");
  });
}

function eventsAfterCases(current: () => Fixture): void {
  test("listEventsAfter returns the events after a seq, in order, at most limit", async () => {
    const { store } = current();
    const [id] = await queueRuns(store, 1);
    for (let index = 0; index < 5; index++) {
      await store.appendEvent({
        runId: id!,
        at: new Date().toISOString(),
        type: "note",
        stage: "agent",
        data: { index },
      });
    }
    const page = await store.listEventsAfter(id!, 2, 2);
    assert.deepEqual(
      page.map((event) => [event.seq, event.data.index]),
      [
        [3, 2],
        [4, 3],
      ],
    );
    assert.deepEqual(await store.listEventsAfter(id!, 5, 10), []);
    assert.deepEqual(await store.listEventsAfter("run_missing", 0, 10), []);
    await assert.rejects(store.listEventsAfter(id!, -1, 10), storeErrorWith("input_invalid"));
  });
}

/** Register the queue contract under `name`; `open` gives each case its own empty store. */
export function describeQueueContract(name: string, open: OpenQueueStore): void {
  describe(`RunQueue contract: ${name}`, () => {
    let fixture: (Fixture & { cleanup: () => Promise<void> }) | undefined;
    const current = (): Fixture => {
      if (!fixture) throw new Error("the queue contract case ran without an open store");
      return fixture;
    };
    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(async () => {
      await fixture?.store.close();
      await fixture?.cleanup();
      fixture = undefined;
    });

    describe("claims and limits", () => claimCases(current));
    describe("leases", () => leaseCases(current));
    describe("cancel", () => cancelCases(current));
    describe("events after a seq", () => eventsAfterCases(current));
    describe("runs held by their own process", () => holdCases(current));
  });
}
