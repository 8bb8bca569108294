// How the bwrap backend can enforce the process and memory limits on this host, for `slipway
// doctor`: cgroups when the platform runs as root and a writable hierarchy exists, rlimits
// otherwise — which cap the process count per sandbox but memory only per process.
import { randomBytes } from "node:crypto";
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
