// How the bwrap backend can enforce the process and memory limits on this host, for `slipway
// doctor`: cgroups when the platform runs as root and a writable hierarchy exists, rlimits
// otherwise — which cap the process count per sandbox but memory only per process; and how it ends
// every process of a sandbox: cgroup.kill where a cgroup v2 directory can be made, else the pid
// namespace and the shared space's reaper.
import { randomBytes } from "node:crypto";
import { createKillCgroup, removeKillCgroup } from "./kill-cgroup.ts";
import { createPidsCgroup, type PidsCgroup, removePidsCgroup } from "./pids-cgroup.ts";

export interface BwrapLimitModes {
  /** How the process count is capped, or why it cannot be (bwrap then refuses to run). */
  processes: string;
  /** How memory is capped: for the whole sandbox, or per process only (and why). */
  memory: string;
  /** False when the whole sandbox's memory is not capped, only each process's. */
  wholeSandboxMemory: boolean;
}

const perProcessMemory = (memoryMb: number, why: string): string =>
  `${memoryMb} MiB per process (RLIMIT_DATA), not for the sandbox as a whole: ${why}`;

/** How the probe makes and removes a sandbox's cgroups: pids-cgroup.ts's, unless a test says otherwise. */
export interface CgroupProbe {
  uid: number | undefined;
  create: (name: string, maxProcesses: number, memoryMb: number) => Promise<PidsCgroup | undefined>;
  remove: (cgroup: PidsCgroup) => Promise<void>;
}

const hostProbe: CgroupProbe = {
  uid: process.getuid?.(),
  create: createPidsCgroup,
  remove: removePidsCgroup,
};

/** Probe by doing what a sandbox does: as root, make (and remove) a cgroup with the limits. */
export async function bwrapLimitModes(
  maxProcesses: number,
  memoryMb: number,
  probe: CgroupProbe = hostProbe,
): Promise<BwrapLimitModes> {
  const { uid } = probe;
  if (uid !== 0) {
    return {
      processes: `${maxProcesses} processes per sandbox (RLIMIT_NPROC in the sandbox's own user namespace)`,
      memory: perProcessMemory(memoryMb, "an unprivileged platform has no memory cgroup of its own to make"),
      wholeSandboxMemory: false,
    };
  }
  const cgroup = await probe.create(
    `slipway-doctor-${randomBytes(6).toString("hex")}`,
    maxProcesses,
    memoryMb,
  );
  if (!cgroup) {
    return {
      processes:
        "none: no writable pids cgroup, so bwrap refuses to run as root (run Slipway as another user)",
      memory: perProcessMemory(memoryMb, "no writable cgroup"),
      wholeSandboxMemory: false,
    };
  }
  await probe.remove(cgroup);
  const processes = `${maxProcesses} processes per sandbox (a pids cgroup)`;
  if (!cgroup.memoryDirectory) {
    return {
      processes,
      memory: perProcessMemory(memoryMb, "this host offers no writable memory controller"),
      wholeSandboxMemory: false,
    };
  }
  return {
    processes,
    memory: `${memoryMb} MiB for all the sandbox's processes together (a memory cgroup)`,
    wholeSandboxMemory: true,
  };
}

export interface BwrapKillMode {
  /** How every process of a sandbox is ended (killAll, and each command's leftovers). */
  kill: string;
  /** True when the kernel confirms the end (cgroup.kill and cgroup.events). */
  proven: boolean;
}

/** How the probe makes and removes a kill cgroup: kill-cgroup.ts's, unless a test says otherwise. */
export interface KillCgroupProbe {
  create: (name: string) => Promise<string | undefined>;
  remove: (directory: string) => Promise<void>;
}

const hostKillProbe: KillCgroupProbe = { create: createKillCgroup, remove: removeKillCgroup };

/** Probe by doing what a sandbox does: make (and remove) a cgroup v2 directory with cgroup.kill. */
export async function bwrapKillMode(probe: KillCgroupProbe = hostKillProbe): Promise<BwrapKillMode> {
  const directory = await probe.create(`slipway-doctor-${randomBytes(6).toString("hex")}`);
  if (!directory) {
    return {
      kill: "by the pid namespace (each space's init) and the shared space's reaper, not confirmed by the kernel: no cgroup v2 directory with cgroup.kill can be made here",
      proven: false,
    };
  }
  await probe.remove(directory);
  return {
    kill: "cgroup.kill on the sandbox's cgroup v2 directory; the kernel confirms none is left (cgroup.events)",
    proven: true,
  };
}

/** What the private /tmp and $HOME of a sandbox may hold, and whose memory that is. */
export function tmpfsCaps(memoryMb: number, wholeSandboxMemory: boolean): string {
  const whose = wholeSandboxMemory
    ? "counted in the sandbox's memory cgroup"
    : "in host memory, outside any cgroup: up to twice that per sandbox";
  return `/tmp and $HOME ${memoryMb} MiB each (tmpfs ${whose})`;
}
