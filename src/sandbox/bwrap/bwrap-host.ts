// Checks that this host can run the bwrap backend with every wall in place, and says how to fix
// it when not: bwrap installed and new enough, prlimit present, user namespaces allowed, and (for
// a root caller) a pids cgroup to cap the process count.
import { randomBytes } from "node:crypto";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { spawnCapped } from "../spawn-capped.ts";
import { bwrapArguments } from "./bwrap-arguments.ts";
import type { MountStep } from "./mount-step.ts";
import { createPidsCgroup, removePidsCgroup } from "./pids-cgroup.ts";
import { systemSteps } from "./sandbox-layout.ts";
import { findOnPath } from "./toolchain-mounts.ts";

/** What a sandbox needs from the host once the checks pass. */
export interface BwrapHost {
  bwrapPath: string;
  prlimitPath: string;
  /** True when the caller is root: the process limit then needs a pids cgroup. */
  needsPidsCgroup: boolean;
}

export type BwrapHostCheck = { ok: true; host: BwrapHost } | { ok: false; reason: string };

/** Where `prlimit` is looked for: system directories only, as those are mounted inside too. */
const systemBinaries = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].join(path.delimiter);
const orNone = "or choose `--sandbox none` to run without isolation";
const probeTimeoutMs = 15_000;
/** --disable-userns and --size, both used for every sandbox, arrived in bubblewrap 0.8. */
const minimumVersion = [0, 8] as const;

export const bwrapMissingReason = `bubblewrap (bwrap) is not installed: install it with \`apt-get install bubblewrap\` (dnf or pacman: bubblewrap), ${orNone}`;

async function run(argv: [string, ...string[]]): Promise<{ exitCode: number | null; output: string }> {
  return spawnCapped({
    argv,
    cwd: "/",
    env: { PATH: "/usr/bin:/bin" },
    timeoutMs: probeTimeoutMs,
    maxOutputBytes: 4096,
  });
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() || "no output";
}

async function versionProblem(bwrapPath: string): Promise<string | undefined> {
  const { output } = await run([bwrapPath, "--version"]);
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined; // An unusual build without a version: the probe decides.
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major > minimumVersion[0] || (major === minimumVersion[0] && minor >= minimumVersion[1]))
    return undefined;
  return `bubblewrap ${match[0]} is too old (Slipway needs 0.8 or newer): upgrade bubblewrap, ${orNone}`;
}

/** The probe's working directory: an empty directory it makes, as a worktree's mount would be. */
const probeDirectory = "/run/slipway-probe";

/** Start a minimal sandbox with the same namespaces and privilege drop as real commands. */
async function probeProblem(host: BwrapHost): Promise<string | undefined> {
  const steps: MountStep[] = [
    ...systemSteps(),
    { kind: "proc", path: "/proc" },
    { kind: "dev", path: "/dev" },
    { kind: "dir", path: probeDirectory },
    { kind: "remount-ro", path: "/" },
  ];
  const args = bwrapArguments({
    steps,
    env: { PATH: "/usr/bin:/bin" },
    cwd: probeDirectory,
    limits: { prlimitPath: host.prlimitPath, memoryMb: 256, maxProcesses: 16, maxFileMb: 16 },
    argv: ["true"],
  });
  const { exitCode, output } = await run([host.bwrapPath, ...args]);
  if (exitCode === 0) return undefined;
  return `bwrap cannot start a sandbox here (${firstLine(output)}); user namespaces are probably unavailable: enable them (sysctl user.max_user_namespaces=15000 or kernel.unprivileged_userns_clone=1; in Docker, --security-opt seccomp=unconfined --security-opt apparmor=unconfined), ${orNone}`;
}

async function cgroupProblem(): Promise<string | undefined> {
  const cgroup = await createPidsCgroup(`slipway-probe-${randomBytes(6).toString("hex")}`, 8);
  if (cgroup) {
    try {
      await removePidsCgroup(cgroup);
    } catch (error) {
      return `the sandbox cgroup probe could not clean up (${error instanceof Error ? error.message : String(error)}), ${orNone}`;
    }
    return undefined;
  }
  return `Slipway runs as root and no writable pids cgroup was found, so the sandbox's process limit cannot be enforced (the kernel exempts root from RLIMIT_NPROC): run Slipway as an unprivileged user or give it a writable pids cgroup, ${orNone}`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Run every check, cheapest first; the first failure is the reason. */
export async function checkBwrapHost(
  bwrapPath?: string,
  searchPath = process.env.PATH ?? "",
): Promise<BwrapHostCheck> {
  const bwrap = bwrapPath ?? findOnPath("bwrap", searchPath);
  if (!bwrap || !isExecutable(bwrap)) return { ok: false, reason: bwrapMissingReason };
  const prlimitPath = findOnPath("prlimit", systemBinaries);
  if (!prlimitPath) {
    return { ok: false, reason: `prlimit was not found in /usr/bin or /bin: install util-linux, ${orNone}` };
  }
  const host: BwrapHost = { bwrapPath: bwrap, prlimitPath, needsPidsCgroup: process.getuid?.() === 0 };
  const problem =
    (await versionProblem(bwrap)) ??
    (await probeProblem(host)) ??
    (host.needsPidsCgroup ? await cgroupProblem() : undefined);
  return problem ? { ok: false, reason: problem } : { ok: true, host };
}
