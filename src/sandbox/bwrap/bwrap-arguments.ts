// Turns a mount layout, an environment and limits into the bwrap argv: the namespaces and the
// privilege drop are fixed here, in one place, for every command and for the availability probe.
import { type MountStep, mountStepArguments, sandboxUser } from "./mount-step.ts";

export interface ProcessLimits {
  /** Absolute path of `prlimit`, under a system directory so it exists inside the sandbox too. */
  prlimitPath: string;
  /** Per-process cap on private writable memory (RLIMIT_DATA). */
  memoryMb: number;
  /** Per-user process cap inside the sandbox's user namespace (RLIMIT_NPROC). */
  maxProcesses: number;
}

export interface BwrapCommand {
  steps: MountStep[];
  /** The command's whole environment; nothing else crosses (`--clearenv`). */
  env: Record<string, string>;
  /** Working directory inside the sandbox. */
  cwd: string;
  limits: ProcessLimits;
  /** Program and arguments, run inside the sandbox under the limits. */
  argv: string[];
}

/** New user, pid, ipc, uts, cgroup and network namespaces; an unprivileged user with no capabilities. */
export function isolationArguments(): string[] {
  return [
    "--unshare-all",
    // Named explicitly (--unshare-all only tries it): --disable-userns and --uid need it.
    "--unshare-user",
    "--disable-userns",
    "--die-with-parent",
    "--new-session",
    "--uid",
    String(sandboxUser.uid),
    "--gid",
    String(sandboxUser.gid),
    "--cap-drop",
    "ALL",
    "--hostname",
    "sandbox",
  ];
}

/**
 * `prlimit` (util-linux) sets the limits inside the sandbox, so they bind the command and all it
 * starts. RLIMIT_DATA rather than RLIMIT_AS: V8, Go and the JVM reserve gigabytes of address
 * space they never touch, which RLIMIT_AS would count and RLIMIT_DATA does not.
 */
export function limitArguments(limits: ProcessLimits): string[] {
  return [
    limits.prlimitPath,
    `--data=${limits.memoryMb * 1024 * 1024}`,
    `--nproc=${limits.maxProcesses}`,
    "--core=0",
    "--",
  ];
}

/** The arguments after the `bwrap` executable. */
export function bwrapArguments(command: BwrapCommand): string[] {
  const environment = Object.entries(command.env).flatMap(([name, value]) => ["--setenv", name, value]);
  return [
    ...isolationArguments(),
    "--clearenv",
    ...environment,
    ...command.steps.flatMap(mountStepArguments),
    "--chdir",
    command.cwd,
    "--",
    ...limitArguments(command.limits),
    ...command.argv,
  ];
}
