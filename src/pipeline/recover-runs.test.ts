// Recovery by lease: a run whose holder stopped renewing is ended once however many recoveries race,
// a live run is never judged by its pid or host, an unleased run only past its wall time, and one
// run that cannot be recovered does not stop the others.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { tempDir } from "../../test/helpers/git-fixture.ts";
import type { Run } from "../core/run.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import type { Store } from "../store/store.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { recoverInterruptedRuns } from "./recover-runs.ts";

const dir = tempDir("recover");
after(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that was just used and is gone: the old recovery took it for a dead owner. */
const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid!;

let minutes = 0;
/** A run of this process's kind (stored running, state.owner process), started `ageMinutes` ago. */
function inProcess(taskId: string, ageMinutes: number, overrides: Partial<Run> = {}): Run {
  const run = makeRun({ ...makeTask(), id: taskId }, ++minutes, {
    status: "running",
    attempt: 1,
    ownerPid: deadPid,
    ownerHost: hostname(),
    state: { owner: "process" },
    spec: { version: 1 },
    ...overrides,
  });
  return { ...run, startedAt: new Date(Date.now() - ageMinutes * 60_000).toISOString() };
}

async function interrupts(store: Store, runId: string): Promise<number> {
  return (await store.listEvents(runId)).filter((event) => event.type === "run-interrupt").length;
}

/** The store, with appendEvent failing for one run (a write that fails mid-recovery). */
function failingFor(store: Store, runId: string): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== "appendEvent" || typeof value !== "function") {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (event: { runId: string }) =>
        event.runId === runId ? Promise.reject(new Error("disk full")) : value.call(target, event);
    },
  });
}

it("six concurrent recoveries end an expired run once; a live lease is never judged by pid or host", async () => {
  const file = path.join(dir, "race.db");
  const store = await openSqliteStore(file);
  const task = makeTask();
  await store.createTask(task);
  const worktree = path.join(dir, "worktrees", "dead");
  mkdirSync(worktree, { recursive: true });
  const dead = inProcess(task.id, 1, { worktree });
  // Its recorded owner is a dead pid on this very host, as a live run in another PID namespace looks.
  const live = inProcess(task.id, 1);
  for (const run of [dead, live]) await store.createRun(run);
  await store.holdRun(dead.id, "process:gone", 1);
  await store.holdRun(live.id, "process:elsewhere", 60_000);
  await sleep(5);

  const others = await Promise.all(Array.from({ length: 5 }, () => openSqliteStore(file)));
  try {
    const results = await Promise.all(
      [store, ...others].map((each) => recoverInterruptedRuns(each, { sweepContainers: "when-orphans" })),
    );
    assert.deepEqual(
      results.flat().map((run) => run.id),
      [dead.id],
    );
  } finally {
    await Promise.all(others.map((each) => each.close()));
  }
  assert.equal(await interrupts(store, dead.id), 1, "one run-interrupt event, not one per recovery");
  const ended = await store.getRun(dead.id);
  assert.equal(ended?.outcome, "interrupted");
  assert.equal(ended?.worktree, undefined);
  assert.equal(existsSync(worktree), false, "its worktree is removed");
  assert.equal((await store.getRun(live.id))?.status, "running", "a held run is left alone");
  await store.close();
});

it("an unleased run ends only past its wall time; one failing run does not stop the others", async () => {
  const store = await openSqliteStore(path.join(dir, "unleased.db"));
  const task = makeTask();
  await store.createTask(task);
  const young = inProcess(task.id, 5);
  const old = inProcess(task.id, 60);
  const failing = inProcess(task.id, 60);
  for (const run of [young, old, failing]) await store.createRun(run);

  const recovered = await recoverInterruptedRuns(failingFor(store, failing.id), {
    sweepContainers: "when-orphans",
  });
  assert.deepEqual(
    recovered.map((run) => run.id),
    [old.id],
  );
  assert.match((await store.getRun(old.id))?.outcomeDetail ?? "", /past its 20 min wall time/);
  assert.equal((await store.getRun(young.id))?.status, "running", "within its wall time: maybe alive");
  assert.equal((await store.getRun(failing.id))?.status, "running", "tried again by the next recovery");
  assert.deepEqual(
    (await recoverInterruptedRuns(store, { sweepContainers: "when-orphans" })).map((run) => run.id),
    [failing.id],
  );
  assert.equal(await interrupts(store, old.id), 1);
  await store.close();
});
