// Recovery by pid is for runs executed in the process that submitted them; queued runs belong to
// leases. One run that cannot be recovered does not stop the others.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import { tempDir } from "../../test/helpers/git-fixture.ts";
import type { Run } from "../core/run.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import type { Store } from "../store/store.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { recoverInterruptedRuns } from "./recover-runs.ts";

const dir = tempDir("recover");
after(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that was just used and is gone. */
const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid!;

function orphan(taskId: string, minutes: number, overrides: Partial<Run>): Run {
  return {
    ...makeRun({ ...makeTask(), id: taskId }, minutes),
    status: "running",
    ownerPid: deadPid,
    ownerHost: hostname(),
    ...overrides,
  };
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

it("marks dead in-process runs interrupted, leaves queued runs to their leases, and survives one failing run", async () => {
  const store = await openSqliteStore(path.join(dir, "slipway.db"));
  const task = makeTask();
  await store.createTask(task);
  const spec = { version: 1 };
  const inProcess = orphan(task.id, 1, { id: "run_inprocess1", spec, state: { owner: "process" } });
  const legacy = orphan(task.id, 2, { id: "run_legacy0001" });
  const failing = orphan(task.id, 3, { id: "run_failing001", state: { owner: "process" }, spec });
  const leased = orphan(task.id, 4, { id: "run_leased0001", spec, state: {} });
  for (const run of [inProcess, legacy, failing, leased]) await store.createRun(run);

  const recovered = await recoverInterruptedRuns(failingFor(store, failing.id), {
    sweepContainers: "when-orphans",
  });

  assert.deepEqual(recovered.map((run) => run.id).sort(), [inProcess.id, legacy.id].sort());
  assert.equal((await store.getRun(failing.id))?.status, "running", "tried again by the next command");
  assert.equal(
    (await store.getRun(leased.id))?.status,
    "running",
    "a worker's run is never judged by its pid",
  );
  assert.equal((await recoverInterruptedRuns(store, { sweepContainers: "when-orphans" })).length, 1);
  assert.equal(
    (await store.listEvents(inProcess.id)).filter((event) => event.type === "run-interrupt").length,
    1,
  );
  await store.close();
});
