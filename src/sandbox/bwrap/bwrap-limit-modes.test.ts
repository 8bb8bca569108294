// What doctor says about bwrap's limits: rlimits for an unprivileged platform, cgroups probed for
// real (made and removed) for a root one.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { bwrapLimitModes } from "./bwrap-limit-modes.ts";
import { candidateParents, memoryCandidateParents } from "./pids-cgroup.ts";

describe("bwrap limit modes", () => {
  test("an unprivileged platform caps processes per sandbox and memory per process only, and says so", async () => {
    const modes = await bwrapLimitModes(64, 1024, 1000);
    assert.equal(modes.wholeSandboxMemory, false);
    assert.match(modes.processes, /^64 processes per sandbox \(RLIMIT_NPROC/);
    assert.match(modes.memory, /^1024 MiB per process \(RLIMIT_DATA\), not for the sandbox as a whole: /);
  });

  test("as root, the probe makes the cgroups a sandbox would and leaves none behind", {
    skip: process.getuid?.() === 0 ? false : "not running as root: the cgroup probe only runs for root",
  }, async () => {
    const modes = await bwrapLimitModes(64, 1024, 0);
    assert.match(
      modes.processes,
      /64 processes per sandbox \(a pids cgroup\)|^none: no writable pids cgroup/,
    );
    if (modes.wholeSandboxMemory)
      assert.match(modes.memory, /^1024 MiB for all the sandbox's processes together/);
    const self = readFileSync("/proc/self/cgroup", "utf8");
    const parents = [...new Set([...candidateParents(self), ...memoryCandidateParents(self)])];
    assert.ok(parents.length > 0, "no cgroup parent to look in");
    const left = parents.flatMap((parent) =>
      readdirSync(parent).filter((name) => name.startsWith("slipway-doctor-")),
    );
    assert.deepEqual(left, []);
  });
});
