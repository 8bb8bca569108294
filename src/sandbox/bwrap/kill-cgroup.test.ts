// The kill cgroup: where a cgroup v2 directory may be made (parsed from mountinfo and
// /proc/self/cgroup), and, for real as root, that cgroup.kill ends a process hiding as a zombie
// leader with a live thread and that the kernel's word on it comes back only once it is gone.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  cgroup2Mounts,
  createKillCgroup,
  killCgroup,
  killCgroupParents,
  removeKillCgroup,
} from "./kill-cgroup.ts";
import { argvInCgroup } from "./pids-cgroup.ts";

const hybrid = [
  "25 24 0:22 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
  "33 25 0:29 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
  "35 25 0:31 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
].join("\n");

test("finds the v2 hierarchy on a hybrid host, and not the v1 ones", () => {
  assert.deepEqual(cgroup2Mounts(hybrid), ["/sys/fs/cgroup/unified"]);
  assert.deepEqual(cgroup2Mounts("36 25 0:32 / /mnt/with\\040space rw - cgroup2 none rw"), [
    "/mnt/with space",
  ]);
});

test("prefers our own v2 cgroup (delegated to us), then the hierarchy's root", () => {
  const self = "4:memory:/process_api/x\n0::/user.slice/user-1000.slice/session-2.scope\n";
  assert.deepEqual(killCgroupParents(hybrid, self), [
    "/sys/fs/cgroup/unified/user.slice/user-1000.slice/session-2.scope",
    "/sys/fs/cgroup/unified",
  ]);
  assert.deepEqual(killCgroupParents(hybrid, "0::/\n"), ["/sys/fs/cgroup/unified"]);
  assert.deepEqual(killCgroupParents("", "0::/\n"), [], "no cgroup v2 mounted: nowhere");
});

/** A python process whose main thread exits while a second thread runs; returns its pid. */
const hidingProcess = `
import ctypes, threading, time
def spin():
    while True: time.sleep(0.05)
threading.Thread(target=spin).start()
ctypes.CDLL(None).pthread_exit(None)
`;

function liveThreads(pid: number): number {
  try {
    const tids = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^Threads:\s+(\d+)$/m.exec(tids)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

test("cgroup.kill ends a zombie leader with a live thread, and says so only once it is gone", {
  skip: process.getuid?.() === 0 ? false : "not root: no cgroup v2 directory to make here",
}, async (context) => {
  const directory = await createKillCgroup(`slipway-test-${process.pid}`);
  if (!directory) return context.skip("this host has no cgroup v2 with cgroup.kill (Linux 5.14+)");
  try {
    const [command, ...args] = argvInCgroup(undefined, ["python3", "-c", hidingProcess], directory);
    const child = spawn(command, args, { stdio: "ignore" });
    for (let waited = 0; waited < 5_000; waited += 20) {
      if (/^State:\s+Z/m.test(readFileSync(`/proc/${child.pid}/status`, "utf8"))) break;
      await sleep(20);
    }
    assert.match(readFileSync(`/proc/${child.pid}/status`, "utf8"), /^State:\s+Z/m, "the leader is a zombie");
    assert.ok(liveThreads(child.pid ?? 0) >= 1, "a thread of it still runs");
    await killCgroup(directory);
    assert.match(readFileSync(`${directory}/cgroup.events`, "utf8"), /^populated 0$/m);
    assert.equal(liveThreads(child.pid ?? 0), 0, "no thread is left");
  } finally {
    // Should the kill fail, end the test's own process by hand so the runner does not wait on it.
    for (const tid of readFileSync(`${directory}/cgroup.threads`, "utf8").split("\n").filter(Boolean)) {
      process.kill(Number(tid), "SIGKILL");
    }
    await removeKillCgroup(directory);
  }
  assert.equal(existsSync(directory), false, "the cgroup is removed");
});
