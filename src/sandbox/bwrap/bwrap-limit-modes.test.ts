// What doctor says about bwrap's limits: rlimits for an unprivileged platform; for a root one, what
// making a sandbox's cgroups gives — decided here over given outcomes, and probed for real once.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { bwrapKillMode, bwrapLimitModes, type CgroupProbe, tmpfsCaps } from "./bwrap-limit-modes.ts";
import { candidateParents, memoryCandidateParents, type PidsCgroup } from "./pids-cgroup.ts";

/** A root probe whose cgroup creation gives `made`, recording what it was asked to remove. */
function rootProbe(made: PidsCgroup | undefined): CgroupProbe & { removed: PidsCgroup[] } {
  const removed: PidsCgroup[] = [];
  return { uid: 0, create: async () => made, remove: async (cgroup) => void removed.push(cgroup), removed };
}

describe("bwrap limit modes", () => {
  test("an unprivileged platform caps processes per sandbox and memory per process only, and says so", async () => {
    const modes = await bwrapLimitModes(64, 1024, { ...rootProbe(undefined), uid: 1000 });
    assert.equal(modes.wholeSandboxMemory, false);
    assert.match(modes.processes, /^64 processes per sandbox \(RLIMIT_NPROC/);
    assert.match(modes.memory, /^1024 MiB per process \(RLIMIT_DATA\), not for the sandbox as a whole: /);
  });

  test("root with pids and memory cgroups caps the whole sandbox, and removes the probe's cgroups", async () => {
    const made = { directory: "/sys/fs/cgroup/pids/probe", memoryDirectory: "/sys/fs/cgroup/memory/probe" };
    const probe = rootProbe(made);
    const modes = await bwrapLimitModes(64, 1024, probe);
    assert.equal(modes.processes, "64 processes per sandbox (a pids cgroup)");
    assert.equal(modes.memory, "1024 MiB for all the sandbox's processes together (a memory cgroup)");
    assert.equal(modes.wholeSandboxMemory, true);
    assert.deepEqual(probe.removed, [made]);
  });

  test("root with a pids cgroup but no memory controller caps memory per process, saying why", async () => {
    const modes = await bwrapLimitModes(64, 1024, rootProbe({ directory: "/sys/fs/cgroup/pids/probe" }));
    assert.equal(modes.wholeSandboxMemory, false);
    assert.match(modes.memory, /per process .*: this host offers no writable memory controller$/);
  });

  test("root without a writable pids cgroup says bwrap refuses to run", async () => {
    const modes = await bwrapLimitModes(64, 1024, rootProbe(undefined));
    assert.match(modes.processes, /^none: no writable pids cgroup, so bwrap refuses to run as root/);
  });

  test("the real probe leaves no cgroup behind", {
    skip: process.getuid?.() === 0 ? false : "not running as root: the cgroup probe only runs for root",
  }, async () => {
    await bwrapLimitModes(64, 1024);
    const self = readFileSync("/proc/self/cgroup", "utf8");
    const parents = [...new Set([...candidateParents(self), ...memoryCandidateParents(self)])];
    assert.ok(parents.length > 0, "no cgroup parent to look in");
    const left = parents.flatMap((parent) =>
      readdirSync(parent).filter((name) => name.startsWith("slipway-doctor-")),
    );
    assert.deepEqual(left, []);
  });
});

describe("bwrap kill mode", () => {
  test("with a cgroup v2 directory: cgroup.kill, confirmed by the kernel; the probe's cgroup is removed", async () => {
    const removed: string[] = [];
    const mode = await bwrapKillMode({
      create: async (name) => `/sys/fs/cgroup/unified/${name}`,
      remove: async (directory) => void removed.push(directory),
    });
    assert.equal(mode.proven, true);
    assert.match(mode.kill, /^cgroup\.kill /);
    assert.equal(removed.length, 1);
  });

  test("without one: the pid namespace and the reaper, said to be unconfirmed", async () => {
    const mode = await bwrapKillMode({ create: async () => undefined, remove: async () => undefined });
    assert.equal(mode.proven, false);
    assert.match(mode.kill, /pid namespace .* not confirmed by the kernel/);
  });

  test("the tmpfs caps say whose memory they use", () => {
    assert.match(
      tmpfsCaps(512, true),
      /^\/tmp and \$HOME 512 MiB each \(tmpfs counted in the sandbox's memory cgroup\)$/,
    );
    assert.match(tmpfsCaps(512, false), /in host memory, outside any cgroup/);
  });
});
