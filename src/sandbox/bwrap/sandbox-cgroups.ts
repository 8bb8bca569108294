// The cgroups of one bwrap sandbox: the limits cgroup (pids, and memory where the host allows; root
// only, as RLIMIT_NPROC does not bind uid 0) and the kill cgroup (cgroup v2, wherever we may make
// one), with a child for the shared process space and one per command of its own space.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { SandboxError } from "../../core/errors.ts";
import { createChildCgroup, createKillCgroup, killCgroup, removeKillCgroup } from "./kill-cgroup.ts";
import { argvInCgroup, createPidsCgroup, type PidsCgroup, removePidsCgroup } from "./pids-cgroup.ts";
import type { WeakerProtection } from "./weaker-protections.ts";

export interface SandboxCgroups {
  /** Caps the process count (and memory as a whole, when it has a memory directory); root only. */
  limits: PidsCgroup | undefined;
  /** The sandbox's cgroup v2 directory with `cgroup.kill`, when this host lets us make one. */
  kill: string | undefined;
  /** The child of `kill` the shared process space runs in. */
  shared: string | undefined;
}

/** Make the sandbox's cgroups; `needsLimits` when the caller is root (a pids cgroup is then required). */
export async function createSandboxCgroups(
  needsLimits: boolean,
  limits: { maxProcesses: number; memoryMb: number },
): Promise<SandboxCgroups> {
  const name = `slipway-sandbox-${randomBytes(8).toString("hex")}`;
  const pids = needsLimits ? await createPidsCgroup(name, limits.maxProcesses, limits.memoryMb) : undefined;
  if (needsLimits && !pids) {
    throw new SandboxError(
      "Slipway runs as root and no writable pids cgroup is left to cap the sandbox's processes; run Slipway as an unprivileged user, or choose `--sandbox none` to run without isolation",
      { code: "sandbox_unavailable" },
    );
  }
  // On a pure cgroup v2 host the pids cgroup is a v2 directory already: its children serve.
  const kill = pids && hasKill(pids.directory) ? pids.directory : await createKillCgroup(name);
  try {
    const shared = kill ? await createChildCgroup(kill, "shared") : undefined;
    return { limits: pids, kill, shared };
  } catch (error) {
    await removeSandboxCgroups({ limits: pids, kill, shared: undefined });
    throw error;
  }
}

function hasKill(directory: string): boolean {
  return existsSync(path.join(directory, "cgroup.kill"));
}

/** The protections these cgroups cannot give (for `sandbox.acceptWeaker` and `slipway doctor`). */
export function missingProtections(cgroups: Pick<SandboxCgroups, "limits" | "kill">): WeakerProtection[] {
  const missing: WeakerProtection[] = [];
  if (!cgroups.limits?.memoryDirectory) missing.push("memory-cgroup");
  if (!cgroups.kill) missing.push("kill-cgroup");
  return missing;
}

/** `argv` started inside the sandbox's limits cgroup and, when there is one, `group` of the kill cgroup. */
export function argvInSandboxCgroups(
  cgroups: SandboxCgroups,
  argv: [string, ...string[]],
  group: string | undefined,
): [string, ...string[]] {
  if (!cgroups.limits && !group) return argv;
  return argvInCgroup(cgroups.limits, argv, group);
}

/** A new kill group for one command of its own space, or undefined without a kill cgroup. */
export async function openCommandGroup(cgroups: SandboxCgroups): Promise<string | undefined> {
  if (!cgroups.kill) return undefined;
  return createChildCgroup(cgroups.kill, `command-${randomBytes(6).toString("hex")}`);
}

/** End everything in a command's group, proven by the kernel, and remove the group. */
export const closeCommandGroup = removeKillCgroup;

/** End every process of the sandbox, all spaces, proven by the kernel; false without a kill cgroup. */
export async function killSandboxCgroup(cgroups: SandboxCgroups): Promise<boolean> {
  if (!cgroups.kill) return false;
  await killCgroup(cgroups.kill);
  return true;
}

/**
 * Kill what is left and remove every cgroup of the sandbox: the kill cgroup first (on a pure v2 host
 * it is the pids cgroup itself), then the limits ones; each runs, the first failure is thrown.
 */
export async function removeSandboxCgroups(cgroups: SandboxCgroups): Promise<void> {
  const { kill, limits } = cgroups;
  const failures: unknown[] = [];
  if (kill) await removeKillCgroup(kill).catch((error: unknown) => failures.push(error));
  if (limits) await removePidsCgroup(limits).catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}
