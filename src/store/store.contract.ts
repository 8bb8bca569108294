// The contract suite every Store implementation must pass (SQLite now, Postgres later): one set of
// cases, run against each implementation from its own test file.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SlipwayError } from "../core/errors.ts";
import type { Run } from "../core/run.ts";
import { pullRequestCases } from "./pull-request-store.contract.ts";
import type { Store } from "./store.ts";
import { fixtureBaseTime as baseTime, makeRun, makeTask } from "./store-fixtures.ts";

/** What a contract run needs: a fresh, empty store and a way to dispose of it. */
export type OpenTestStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

function isStoreError(code?: string): (error: unknown) => boolean {
  return (error) =>
    SlipwayError.isInstance(error) &&
    error.name === "StoreError" &&
    (code === undefined || error.code === code);
}

function taskCases(current: () => Store): void {
  test("a created task reads back equal, with and without requestedBy", async () => {
    const store = current();
    const plain = makeTask();
    const requested = makeTask({ requestedBy: { name: "Ada", email: "ada@example.com" } });
    await store.createTask(plain);
    await store.createTask(requested);
    assert.deepEqual(await store.getTask(plain.id), plain);
    assert.deepEqual(await store.getTask(requested.id), requested);
  });

  test("getTask returns undefined for an unknown id", async () => {
    const store = current();
    assert.equal(await store.getTask("task_unknown"), undefined);
  });

  test("creating a task with an existing id is refused", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    await assert.rejects(store.createTask({ ...task, title: "other" }), isStoreError());
    assert.equal((await store.getTask(task.id))?.title, task.title);
  });
}

function runLookupCases(current: () => Store): void {
  test("a created run reads back equal by its full id", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const bare = makeRun(task, 1);
    const full = makeRun(task, 2, {
      status: "finished",
      stage: "done",
      outcome: "success",
      outcomeDetail: "verified and committed",
      baseCommit: "a".repeat(40),
      commit: "b".repeat(40),
      worktree: "/tmp/worktrees/run",
      filesChanged: ["src/slugify.js", "test/slugify.test.js"],
      turns: 7,
      usage: { inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 },
      endedAt: new Date(baseTime + 5 * 60_000).toISOString(),
      state: { summary: "done", verification: [{ name: "test", passed: true, durationMs: 5 }] },
    });
    await store.createRun(bare);
    await store.createRun(full);
    assert.deepEqual(await store.getRun(bare.id), bare);
    assert.deepEqual(await store.getRun(full.id), full);
  });

  test("creating a run for a task that does not exist is refused", async () => {
    const store = current();
    const run = makeRun(makeTask(), 1);
    await assert.rejects(store.createRun(run), isStoreError());
    assert.equal(await store.getRun(run.id), undefined);
  });

  test("getRun finds a run by a unique prefix of 6 or more characters", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const run = makeRun(task, 1);
    await store.createRun(run);
    assert.equal((await store.getRun(run.id.slice(0, 6)))?.id, run.id);
    assert.equal((await store.getRun(run.id.slice(0, -1)))?.id, run.id);
  });

  test("getRun ignores prefixes shorter than 6 characters and unknown ids", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const run = makeRun(task, 1);
    await store.createRun(run);
    assert.equal(await store.getRun(run.id.slice(0, 5)), undefined);
    assert.equal(await store.getRun("run_zzzzzzzzzzzz"), undefined);
  });

  test("getRun refuses a prefix that matches several runs, naming them", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const first = makeRun(task, 1);
    const second = makeRun(task, 1);
    await store.createRun(first);
    await store.createRun(second);
    const prefix = first.id.slice(0, 10);
    assert.equal(second.id.slice(0, 10), prefix);
    await assert.rejects(store.getRun(prefix), (error: unknown) => {
      assert.ok(isStoreError()(error));
      assert.match(
        (error as Error).message,
        new RegExp(`${first.id}.*${second.id}|${second.id}.*${first.id}`),
      );
      return true;
    });
    assert.equal((await store.getRun(first.id))?.id, first.id);
  });
}

function runUpdateCases(current: () => Store): void {
  test("updateRun changes only the given fields and returns the stored run", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const run = makeRun(task, 1, { worktree: "/tmp/worktrees/a" });
    await store.createRun(run);
    const change = {
      stage: "agent" as const,
      turns: 3,
      usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.01 },
      filesChanged: ["README.md"],
      state: { mirrorPath: "/tmp/mirrors/a" },
    };
    const updated = await store.updateRun(run.id, change);
    const expected: Run = { ...run, ...change };
    assert.deepEqual(updated, expected);
    assert.deepEqual(await store.getRun(run.id), expected);
  });

  test("updateRun with worktree null clears the worktree, undefined keeps it", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const run = makeRun(task, 1, { worktree: "/tmp/worktrees/b" });
    await store.createRun(run);
    assert.equal((await store.updateRun(run.id, { turns: 1, worktree: undefined })).worktree, run.worktree);
    const cleared = await store.updateRun(run.id, {
      worktree: null,
      status: "finished",
      stage: "done",
      outcome: "no_change",
      endedAt: new Date(baseTime + 120_000).toISOString(),
    });
    assert.equal("worktree" in cleared, false);
    assert.equal((await store.getRun(run.id))?.worktree, undefined);
    assert.equal((await store.getRun(run.id))?.outcome, "no_change");
  });

  test("updateRun on an unknown id throws StoreError not_found", async () => {
    const store = current();
    await assert.rejects(store.updateRun("run_missing", { turns: 1 }), isStoreError("not_found"));
  });
}

function runListCases(current: () => Store): void {
  test("listRuns returns newest first, honours the limit and filters by task", async () => {
    const store = current();
    const taskA = makeTask();
    const taskB = makeTask();
    await store.createTask(taskA);
    await store.createTask(taskB);
    const runs = [makeRun(taskA, 1), makeRun(taskB, 2), makeRun(taskA, 3), makeRun(taskB, 4)];
    // Inserted out of order: the order must come from startedAt, not from insertion.
    for (const index of [2, 0, 3, 1]) await store.createRun(runs[index]!);
    const ids = (list: Run[]) => list.map((run) => run.id);
    assert.deepEqual(ids(await store.listRuns({ limit: 10 })), [
      runs[3]!.id,
      runs[2]!.id,
      runs[1]!.id,
      runs[0]!.id,
    ]);
    assert.deepEqual(ids(await store.listRuns({ limit: 2 })), [runs[3]!.id, runs[2]!.id]);
    assert.deepEqual(ids(await store.listRuns({ limit: 10, taskId: taskA.id })), [runs[2]!.id, runs[0]!.id]);
    assert.deepEqual(ids(await store.listRuns({ limit: 1, taskId: taskB.id })), [runs[3]!.id]);
    assert.deepEqual(await store.listRuns({ limit: 10, taskId: "task_unknown" }), []);
    assert.deepEqual(ids(await store.listRuns({ limit: 2, offset: 1 })), [runs[2]!.id, runs[1]!.id]);
    assert.deepEqual(ids(await store.listRuns({ limit: 2, offset: 3 })), [runs[0]!.id]);
    assert.deepEqual(await store.listRuns({ limit: 2, offset: 4 }), []);
    await assert.rejects(store.listRuns({ limit: 1, offset: -1 }), isStoreError());
  });

  test("countRuns counts every run of every task", async () => {
    const store = current();
    assert.equal(await store.countRuns(), 0);
    const [taskA, taskB] = [makeTask(), makeTask()];
    for (const task of [taskA, taskB]) await store.createTask(task);
    for (const [task, minute] of [
      [taskA, 1],
      [taskB, 2],
      [taskA, 3],
    ] as const) {
      await store.createRun(makeRun(task, minute));
    }
    assert.equal(await store.countRuns(), 3);
  });

  test("listUnfinishedRuns returns exactly the runs still running", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const running = makeRun(task, 1);
    const finished = makeRun(task, 2);
    const laterRunning = makeRun(task, 3);
    for (const run of [running, finished, laterRunning]) await store.createRun(run);
    await store.updateRun(finished.id, { status: "finished", stage: "done", outcome: "success" });
    const ids = (await store.listUnfinishedRuns()).map((run) => run.id).sort();
    assert.deepEqual(ids, [running.id, laterRunning.id].sort());
  });

  test("findRunByCommit finds the run that made a commit on its branch, and no other", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const maker = makeRun(task, 1);
    const other = makeRun(task, 2);
    for (const run of [maker, other]) await store.createRun(run);
    const sha = "a".repeat(40);
    await store.updateRun(maker.id, { commit: sha });
    assert.equal((await store.findRunByCommit(maker.branch, sha))?.id, maker.id);
    assert.equal(await store.findRunByCommit(maker.branch, "b".repeat(40)), undefined);
    assert.equal(await store.findRunByCommit(`${maker.branch}-elsewhere`, sha), undefined);
  });
}

function eventCases(current: () => Store): void {
  test("appended events get seq 1..n per run and list back in order with their data", async () => {
    const store = current();
    const task = makeTask();
    await store.createTask(task);
    const run = makeRun(task, 1);
    const other = makeRun(task, 2);
    await store.createRun(run);
    await store.createRun(other);
    const at = new Date(baseTime).toISOString();
    const data = [
      { task: task.id },
      { tool: "read_file", args: { path: "src/a.ts" }, nested: [1, "two", null, { three: true }] },
      { text: 'ünïcødé ✓ "quoted"\nnewline' },
    ];
    const appended = [];
    for (const [index, item] of data.entries()) {
      appended.push(
        await store.appendEvent({ runId: run.id, at, type: `step-${index}`, stage: "agent", data: item }),
      );
    }
    const otherEvent = await store.appendEvent({
      runId: other.id,
      at,
      type: "run-start",
      stage: "created",
      data: {},
    });
    assert.deepEqual(
      appended.map((event) => event.seq),
      [1, 2, 3],
    );
    assert.equal(otherEvent.seq, 1);
    const listed = await store.listEvents(run.id);
    assert.deepEqual(listed, appended);
    assert.deepEqual(
      listed.map((event) => event.data),
      data,
    );
    assert.deepEqual(
      listed.map((event) => event.type),
      ["step-0", "step-1", "step-2"],
    );
  });

  test("listEvents of a run without events is empty", async () => {
    const store = current();
    assert.deepEqual(await store.listEvents("run_without_events"), []);
  });

  test("appending an event to an unknown run is refused", async () => {
    const store = current();
    const event = {
      runId: "run_missing",
      at: new Date().toISOString(),
      type: "run-start",
      stage: "created" as const,
    };
    await assert.rejects(store.appendEvent({ ...event, data: {} }), isStoreError());
  });
}
/** Register the Store contract cases under `name`; `open` gives each case its own empty store. */
export function describeStoreContract(name: string, open: OpenTestStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    const current = (): Store => {
      if (!store) throw new Error("the store contract case ran without an open store");
      return store;
    };

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await store?.close();
      await cleanup?.();
      store = undefined;
      cleanup = undefined;
    });

    describe("tasks", () => taskCases(current));
    describe("creating and finding runs", () => runLookupCases(current));
    describe("updating runs", () => runUpdateCases(current));
    describe("listing runs", () => runListCases(current));
    describe("events", () => eventCases(current));
    describe("pull requests", () => pullRequestCases(current));
  });
}
