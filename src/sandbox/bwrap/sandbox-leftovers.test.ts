// A sandbox whose process died leaves its scratch directory and cgroups; the sweep removes them (and
// kills what still runs in them) once the lease ended, and leaves a live sandbox's alone.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../../../test/helpers/git-fixture.ts";
import { createSandboxCgroups, removeSandboxCgroups, type SandboxCgroups } from "./sandbox-cgroups.ts";
import {
  holdSandboxLease,
  sandboxLeaseMs,
  scratchPrefix,
  sweepSandboxLeftovers,
} from "./sandbox-leftovers.ts";

const root = tempDir("leftovers");
const made: SandboxCgroups[] = [];
after(async () => {
  for (const cgroups of made) await removeSandboxCgroups(cgroups).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

async function sandboxFiles(): Promise<{ scratchDir: string; cgroups: SandboxCgroups } | string> {
  const cgroups = await createSandboxCgroups(process.getuid?.() === 0, {
    maxProcesses: 64,
    memoryMb: 256,
  }).catch((error: Error) => error.message);
  if (typeof cgroups === "string") return cgroups;
  made.push(cgroups);
  const where = cgroups.kill ?? cgroups.limits?.directory;
  if (where === undefined) return "this host lets Slipway make no cgroup";
  const scratchDir = await mkdtemp(path.join(root, scratchPrefix));
  await holdSandboxLease(scratchDir, cgroups);
  return { scratchDir, cgroups };
}

test("a dead sandbox's scratch directory and cgroups go once its lease ended, its processes killed; a live one stays", async (t) => {
  const dead = await sandboxFiles();
  const live = await sandboxFiles();
  if (typeof dead === "string" || typeof live === "string") {
    t.skip(`no sandbox cgroups here: ${String(dead)}`);
    return;
  }
  // A process the dead sandbox left running, inside its cgroup.
  const group = dead.cgroups.limits?.directory ?? dead.cgroups.kill!;
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  await writeFile(path.join(group, "cgroup.procs"), String(child.pid));
  const longAgo = new Date(Date.now() - sandboxLeaseMs - 60_000);
  await utimes(path.join(dead.scratchDir, "slipway-lease.json"), longAgo, longAgo);

  assert.deepEqual(await sweepSandboxLeftovers(root), [dead.scratchDir]);
  assert.equal(await exited, "SIGKILL", "what ran in the dead sandbox's cgroup is killed");
  assert.equal(existsSync(dead.scratchDir), false);
  for (const directory of [
    dead.cgroups.kill,
    dead.cgroups.limits?.directory,
    dead.cgroups.limits?.memoryDirectory,
  ]) {
    if (directory) assert.equal(existsSync(directory), false, `${directory} removed`);
  }
  assert.equal(existsSync(live.scratchDir), true);
  assert.equal(existsSync(live.cgroups.kill ?? live.cgroups.limits!.directory), true);
});
