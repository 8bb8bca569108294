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
  /** Largest file a process may write (RLIMIT_FSIZE): also bounds sparse files, which cost no disk. */
  maxFileMb: number;
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
    `--fsize=${limits.maxFileMb * 1024 * 1024}`,
    "--core=0",
    "--",
  ];
}

/** bwrap's options, everything before `--`: namespaces, privilege drop, environment, mounts, cwd. */
export function bwrapOptions(command: BwrapCommand): string[] {
  const environment = Object.entries(command.env).flatMap(([name, value]) => ["--setenv", name, value]);
  return [
    ...isolationArguments(),
    "--clearenv",
    ...environment,
    ...command.steps.flatMap(mountStepArguments),
    "--chdir",
    command.cwd,
  ];
}

/** What runs inside, after `--`: prlimit with the limits, then the command. */
function insideArgv(command: BwrapCommand): string[] {
  return [...limitArguments(command.limits), ...command.argv];
}

/** The arguments after the `bwrap` executable, all on the command line. */
export function bwrapArguments(command: BwrapCommand): string[] {
  return [...bwrapOptions(command), "--", ...insideArgv(command)];
}

/** The file descriptor bwrap reads its options from (`--args`). */
export const optionsDescriptor = 3;

/**
 * bwrap with its options passed on file descriptor 3 (`--args 3`, NUL-separated) instead of its
 * command line: pid 1 inside the sandbox is bwrap, so /proc/1/cmdline would otherwise show every
 * mount's host path and every variable to the sandboxed processes. bwrap closes the descriptor
 * after reading it, so the command does not inherit it.
 */
export function bwrapInvocation(
  bwrapPath: string,
  command: BwrapCommand,
): { argv: [string, ...string[]]; options: string } {
  return {
    argv: [bwrapPath, "--args", String(optionsDescriptor), "--", ...insideArgv(command)],
    options: bwrapOptions(command)
      .map((argument) => `${argument}\0`)
      .join(""),
  };
}
