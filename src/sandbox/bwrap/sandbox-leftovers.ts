// What a bwrap sandbox leaves on the host if its process dies (kill -9, a lost container): its
// scratch directory and its pids, memory and kill cgroups. A lease file in the scratch directory,
// renewed while the sandbox lives, names the cgroups; a sweep removes both once the lease ended
// (judged by time only: never by pid or hostname, which another PID namespace would fool).
import { readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { removeSandboxCgroups, type SandboxCgroups } from "./sandbox-cgroups.ts";

/** The scratch directories' name prefix (sandbox-scratch.ts makes them with it under tmpdir()). */
export const scratchPrefix = "slipway-bwrap-";
const leaseFile = "slipway-lease.json";
/** A sandbox's lease lasts this long unless renewed (every fifth of it). */
export const sandboxLeaseMs = 10 * 60_000;
/** A scratch directory without a lease file (an older Slipway's) is a leftover after this long. */
const leaselessScratchMs = 24 * 60 * 60_000;

const cgroupPath = z.string().startsWith("/sys/fs/cgroup/").max(4096);
/** The cgroups as removeSandboxCgroups takes them (v1 pids/memory, v2 kill): each removed its own way. */
const Lease = z.object({
  kill: cgroupPath.optional(),
  limits: z.object({ directory: cgroupPath, memoryDirectory: cgroupPath.optional() }).optional(),
});
type Lease = z.infer<typeof Lease>;

/**
 * Write the lease of a sandbox whose files are in `scratchDir`, and renew it (its mtime) until the
 * directory is gone: dispose() removes it, which ends the renewal with no other call.
 */
export async function holdSandboxLease(scratchDir: string, cgroups: SandboxCgroups): Promise<void> {
  const file = path.join(scratchDir, leaseFile);
  const lease: Lease = { kill: cgroups.kill, limits: cgroups.limits && { ...cgroups.limits } };
  await writeFile(file, JSON.stringify(lease));
  const timer = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => clearInterval(timer));
  }, sandboxLeaseMs / 5);
  timer.unref();
}

/** The cgroups of a scratch directory whose lease ended ({} when it names none); undefined while it lives. */
async function leftoverCgroups(scratchDir: string, now: number): Promise<Lease | undefined> {
  const file = path.join(scratchDir, leaseFile);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) {
    const dir = await stat(scratchDir).catch(() => undefined);
    return dir && dir.mtimeMs + leaselessScratchMs < now ? {} : undefined;
  }
  if (info.mtimeMs + sandboxLeaseMs >= now) return undefined;
  const text = await readFile(file, "utf8").catch(() => "{}");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = {};
  }
  // A garbled lease still lets the directory go; only cgroups it names validly are touched.
  const lease = Lease.safeParse(parsed);
  return lease.success ? lease.data : {};
}

/**
 * Remove the scratch directories (under `root`, default tmpdir()) whose lease ended, with the
 * cgroups they name (their processes are killed first). Returns the directories removed; one that
 * cannot be removed is left for the next sweep. Bounded: at most 200 directories a sweep.
 */
export async function sweepSandboxLeftovers(root = tmpdir(), now = Date.now()): Promise<string[]> {
  const names = (await readdir(root).catch(() => [] as string[]))
    .filter((name) => name.startsWith(scratchPrefix))
    .slice(0, 200);
  const removed: string[] = [];
  for (const name of names) {
    const scratchDir = path.join(root, name);
    try {
      const cgroups = await leftoverCgroups(scratchDir, now);
      if (cgroups === undefined) continue;
      await removeSandboxCgroups({ kill: cgroups.kill, limits: cgroups.limits, shared: undefined });
      await rm(scratchDir, { recursive: true, force: true });
      removed.push(scratchDir);
    } catch {
      // A cgroup that will not go (a process that does not die): the next sweep tries again.
    }
  }
  return removed;
}
