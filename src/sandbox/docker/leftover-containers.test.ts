// The crash sweep: which sandbox containers count as left over (dead owner, too old), and that it
// removes exactly those from a real engine.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { hostname } from "node:os";
import { after, describe, test } from "node:test";
import { ownerHostLabel, ownerPidLabel, ownerStartLabel, sandboxLabel } from "./container-config.ts";
import { type ContainerSummary, connectEngine } from "./docker-engine.ts";
import { leftoverReason, processStartTime, removeLeftoverContainers } from "./leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "./test-image.ts";

const skipReason = await dockerTestSkipReason();
const skip = skipReason ? `no Docker engine here: ${skipReason}` : false;
if (skip) console.log(`# skipping the leftover sweep tests: ${skip}`);

const testLabels = { "slipway.test": `leftover-${process.pid}-${randomInt(1e9)}` };

/** The pid of a process that has exited (reuse within the test is not a concern). */
function deadPid(): number {
  const finished = spawnSync("true");
  assert.ok(finished.pid);
  return finished.pid;
}

function summary(labels: Record<string, string>, ageMs: number): ContainerSummary {
  return {
    Id: "c1",
    Created: Math.floor((Date.now() - ageMs) / 1000),
    Labels: { [sandboxLabel]: "1", ...labels },
  };
}

describe("which containers are left over", () => {
  const here = hostname();

  test("one whose owner process on this host is gone", () => {
    const reason = leftoverReason(
      summary({ [ownerPidLabel]: String(deadPid()), [ownerHostLabel]: here }, 0),
      Date.now(),
      3_600_000,
    );
    assert.match(reason ?? "", /owner process \d+ is gone/);
  });

  test("not one whose owner still runs, nor one owned on another host", () => {
    const alive = summary({ [ownerPidLabel]: String(process.pid), [ownerHostLabel]: here }, 0);
    const elsewhere = summary({ [ownerPidLabel]: String(deadPid()), [ownerHostLabel]: `${here}-other` }, 0);
    assert.equal(leftoverReason(alive, Date.now(), 3_600_000), undefined);
    assert.equal(leftoverReason(elsewhere, Date.now(), 3_600_000), undefined);
  });

  test("one whose owner pid now names another process (a different start time)", () => {
    const labels = { [ownerPidLabel]: String(process.pid), [ownerHostLabel]: here };
    const reused = summary({ ...labels, [ownerStartLabel]: "1" }, 0);
    const same = summary({ ...labels, [ownerStartLabel]: processStartTime(process.pid) ?? "" }, 0);
    assert.match(leftoverReason(reused, Date.now(), 3_600_000) ?? "", /pid was reused/);
    assert.equal(leftoverReason(same, Date.now(), 3_600_000), undefined);
  });

  test("any one older than the maximum age, whoever owns it", () => {
    const old = summary({ [ownerPidLabel]: String(process.pid), [ownerHostLabel]: here }, 7_200_000);
    assert.equal(leftoverReason(old, Date.now(), 3_600_000), "older than the maximum age");
  });
});

describe("removeLeftoverContainers on the engine", () => {
  const docker = connectEngine();
  const created: string[] = [];
  const createLabelled = async (ownerPid: number): Promise<string> => {
    const container = await docker.createContainer({
      Image: testImage,
      Cmd: ["true"],
      Labels: {
        ...testLabels,
        [sandboxLabel]: "1",
        [ownerPidLabel]: String(ownerPid),
        [ownerHostLabel]: hostname(),
      },
    });
    created.push(container.id);
    return container.id;
  };
  const exists = async (id: string): Promise<boolean> =>
    docker
      .getContainer(id)
      .inspect()
      .then(() => true)
      .catch(() => false);

  after(async () => {
    for (const id of created)
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
  });

  test("removes a container whose owner is gone and keeps one whose owner runs", { skip }, async () => {
    const orphan = await createLabelled(deadPid());
    const owned = await createLabelled(process.pid);
    const removed = await removeLeftoverContainers({ maxAgeMs: 3_600_000, labels: testLabels });
    // Test files run in parallel, and every docker sandbox start sweeps orphans on this engine: the
    // orphan may already be gone by another process's sweep, so this call removes it or nothing.
    assert.ok(
      removed.every((entry) => entry.id === orphan),
      JSON.stringify(removed),
    );
    assert.equal(await exists(orphan), false);
    assert.equal(await exists(owned), true);
  });

  test("removes every sandbox container past the maximum age, and only those with the given labels", {
    skip,
  }, async () => {
    const owned = await createLabelled(process.pid);
    const unrelated = await docker.createContainer({
      Image: testImage,
      Cmd: ["true"],
      Labels: { [sandboxLabel]: "1", "slipway.test": "someone-else" },
    });
    created.push(unrelated.id);
    const removed = await removeLeftoverContainers({ maxAgeMs: 0, labels: testLabels });
    assert.ok(removed.some((entry) => entry.id === owned && entry.reason === "older than the maximum age"));
    assert.equal(await exists(owned), false);
    assert.equal(await exists(unrelated.id), true);
  });
});
