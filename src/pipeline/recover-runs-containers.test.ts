// Recovery sweeps docker sandbox containers by their run's lease (the store's record), not by the
// owner pid: a live run's container survives a dead-looking pid, an ended run's goes though its
// owner runs; `sandbox exec`'s (no run) still goes by its owner pid. Real engine, real SQLite store.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { rmSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { tempDir } from "../../test/helpers/git-fixture.ts";
import { ownerHostLabel, ownerPidLabel, sandboxLabel } from "../sandbox/docker/container-config.ts";
import { connectEngine } from "../sandbox/docker/docker-engine.ts";
import { runLabels } from "../sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../sandbox/docker/test-image.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { recoverInterruptedRuns } from "./recover-runs.ts";

const skipReason = await dockerTestSkipReason();
const skip = skipReason ? `no Docker engine here: ${skipReason}` : false;
if (skip) console.log(`# skipping the run-lease container sweep test: ${skip}`);

const dir = tempDir("recover-containers");
const docker = connectEngine();
const created: string[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const id of created)
    await docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
});

/** A pid that was just used and is gone: how a live owner in another PID namespace looks. */
const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid!;

async function sandboxContainer(ownerPid: number, labels: Record<string, string>): Promise<string> {
  const container = await docker.createContainer({
    Image: testImage,
    Cmd: ["true"],
    Labels: {
      "slipway.test": `run-lease-${process.pid}-${randomInt(1e9)}`,
      [sandboxLabel]: "1",
      [ownerPidLabel]: String(ownerPid),
      [ownerHostLabel]: hostname(),
      ...labels,
    },
  });
  created.push(container.id);
  return container.id;
}

const exists = (id: string): Promise<boolean> =>
  docker
    .getContainer(id)
    .inspect()
    .then(() => true)
    .catch(() => false);

it("removes the containers of ended runs and lost attempts, keeps a held run's whatever its pid", {
  skip,
}, async () => {
  const store = await openSqliteStore(path.join(dir, "store.db"));
  const task = makeTask();
  await store.createTask(task);
  const running = { status: "running" as const, attempt: 1 };
  const [expiring, live, done] = [1, 2, 3].map((minute) => makeRun(task, minute, running));
  for (const run of [
    expiring!,
    live!,
    { ...done!, status: "finished" as const, outcome: "no_change" as const },
  ])
    await store.createRun(run);
  await store.holdRun(expiring!.id, "process:gone", 1);
  await store.holdRun(live!.id, "process:elsewhere", 60_000);
  await sleep(5);
  const containers = {
    // Its owner (this process) runs, but its run's lease expired: recovery ends the run.
    expiring: await sandboxContainer(process.pid, runLabels({ id: expiring!.id, attempt: 1 })),
    // Its owner pid is gone here, but its run's lease is held: in use.
    live: await sandboxContainer(deadPid, runLabels({ id: live!.id, attempt: 1 })),
    // A container of the live run's earlier attempt: that attempt lost its lease.
    earlier: await sandboxContainer(process.pid, runLabels({ id: live!.id, attempt: 0 })),
    done: await sandboxContainer(process.pid, runLabels({ id: done!.id, attempt: 1 })),
    // `sandbox exec`'s: no run, judged by its owner process.
    exec: await sandboxContainer(deadPid, {}),
  };
  try {
    await recoverInterruptedRuns(store);
    assert.equal(await exists(containers.live), true, "a held run's container stays");
    for (const name of ["expiring", "earlier", "done", "exec"] as const)
      assert.equal(await exists(containers[name]), false, `the ${name} run's container is removed`);
  } finally {
    await store.close();
  }
});

it("a run queued again after its worker's lease expired loses its attempt's container, even when sweeping only after orphans", {
  skip,
}, async () => {
  const store = await openSqliteStore(path.join(dir, "requeue.db"));
  const task = makeTask();
  await store.createTask(task);
  const run = makeRun(task, 1, { status: "queued", attempt: 0 });
  await store.createRun(run);
  await store.enqueueRun(run.id);
  const limits = { maxConcurrentRuns: 4, maxRunsPerRepository: 4 };
  const lease = await store.claimRun("worker-gone", 1, limits);
  assert.equal(lease?.attempt, 1);
  const container = await sandboxContainer(process.pid, runLabels({ id: run.id, attempt: 1 }));
  await sleep(5);
  try {
    await recoverInterruptedRuns(store, { sweepContainers: "when-orphans", maxAttempts: 3 });
    assert.equal((await store.getRun(run.id))?.status, "queued");
    assert.equal(await exists(container), false, "the lost attempt's container is removed");
  } finally {
    await store.close();
  }
});
