// A pids cgroup per sandbox, for when the platform runs as root: bwrap maps the sandbox user to
// the caller's uid, and the kernel never applies RLIMIT_NPROC to uid 0, so only a cgroup can cap
// the process count of a root-started sandbox. Unprivileged callers need none (prlimit binds).
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SandboxError } from "../../core/errors.ts";

export interface PidsCgroup {
  readonly directory: string;
  /**
   * A memory cgroup holding the same processes, capping the sandbox's memory as a whole (RLIMIT_DATA
   * caps one process only); absent when the host offers no writable memory controller.
   */
  readonly memoryDirectory?: string;
}

const cgroupRoot = "/sys/fs/cgroup";
/** How long removal keeps killing stragglers before it reports the cgroup as leaked. */
const removeDeadlineMs = 5_000;
const removeRetryMs = 50;

/**
 * Parents a sandbox cgroup may be created under, best first: our own cgroup in a cgroup v1 pids
 * hierarchy (`N:pids:/path` in /proc/self/cgroup), then the cgroup v2 root, which delegates pids
 * to its children on systemd hosts.
 */
export function candidateParents(selfCgroup: string, root = cgroupRoot): string[] {
  const parents: string[] = [];
  for (const line of selfCgroup.split("\n")) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (match?.[1]?.split(",").includes("pids")) parents.push(path.join(root, "pids", match[2] ?? "/"));
  }
  if (existsSync(path.join(root, "cgroup.controllers"))) parents.push(root);
  return parents;
}

async function tryCreate(directory: string, maxProcesses: number): Promise<boolean> {
  try {
    await mkdir(directory);
  } catch {
    // Not writable here (a read-only cgroupfs in a container): try the next parent.
    return false;
  }
  try {
    // Only a directory in a hierarchy with the pids controller has pids.max.
    await writeFile(path.join(directory, "pids.max"), String(maxProcesses));
    return true;
  } catch {
    await rmdir(directory).catch(() => {
      // Best effort: a plain directory we made in a tmpfs; nothing runs in it.
    });
    return false;
  }
}

/** Parents a memory cgroup may be created under: our own cgroup in a v1 memory hierarchy, then the v2 root. */
export function memoryCandidateParents(selfCgroup: string, root = cgroupRoot): string[] {
  const parents: string[] = [];
  for (const line of selfCgroup.split("\n")) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (match?.[1]?.split(",").includes("memory")) parents.push(path.join(root, "memory", match[2] ?? "/"));
  }
  if (existsSync(path.join(root, "cgroup.controllers"))) parents.push(root);
  return parents;
}

/** Create `directory` with its memory cap (v1 memory.limit_in_bytes, or v2 memory.max); false when it cannot. */
async function tryCreateMemory(directory: string, memoryMb: number): Promise<boolean> {
  const bytes = String(memoryMb * 1024 * 1024);
  const limitFiles = ["memory.limit_in_bytes", "memory.max"];
  const created = await mkdir(directory).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code === "EEXIST",
  );
  if (!created) return false;
  for (const file of limitFiles) {
    if (!existsSync(path.join(directory, file))) continue;
    try {
      await writeFile(path.join(directory, file), bytes);
      return true;
    } catch {
      break;
    }
  }
  await rmdir(directory).catch(() => undefined);
  return false;
}

function readSelfCgroup(): string {
  try {
    return readFileSync("/proc/self/cgroup", "utf8");
  } catch {
    // No /proc/self/cgroup (not Linux, or /proc hidden): only the v2 root can be tried.
    return "";
  }
}

/**
 * Create `name` capped at `maxProcesses` (and, where the host allows, at `memoryMb` for all its
 * processes together), or return undefined when this host offers no writable pids cgroup.
 */
export async function createPidsCgroup(
  name: string,
  maxProcesses: number,
  memoryMb?: number,
): Promise<PidsCgroup | undefined> {
  const selfCgroup = readSelfCgroup();
  for (const parent of candidateParents(selfCgroup)) {
    const directory = path.join(parent, name);
    if (!(await tryCreate(directory, maxProcesses))) continue;
    if (memoryMb === undefined) return { directory };
    for (const memoryParent of memoryCandidateParents(selfCgroup)) {
      const memoryDirectory = path.join(memoryParent, name);
      // On cgroup v2 both controllers live in one directory: the pids one just made.
      if (memoryDirectory === directory) {
        if (await tryCreateMemory(directory, memoryMb)) return { directory, memoryDirectory };
        continue;
      }
      if (await tryCreateMemory(memoryDirectory, memoryMb)) return { directory, memoryDirectory };
    }
    return { directory };
  }
  return undefined;
}

/**
 * The argv that starts `argv` inside the cgroup (and `killGroup`, a cgroup v2 directory, when
 * given): a host shell moves itself into each, then execs, so the first sandboxed process and
 * everything it starts are counted. The kill group comes last: on a pure v2 host it lies under the
 * pids cgroup, and the move into it is the one that stays.
 */
export function argvInCgroup(
  cgroup: PidsCgroup | undefined,
  argv: string[],
  killGroup?: string,
): [string, ...string[]] {
  const directories = [cgroup?.directory, cgroup?.memoryDirectory, killGroup].filter(
    (directory): directory is string => directory !== undefined,
  );
  const procs = [...new Set(directories)].map((directory) => path.join(directory, "cgroup.procs"));
  // $1 is how many cgroup.procs files follow; a failed move stops before anything runs.
  const script =
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
  return ["/bin/sh", "-c", script, "sh", String(procs.length), ...procs, ...argv];
}

async function killMembers(cgroup: PidsCgroup): Promise<void> {
  const listed = await readFile(path.join(cgroup.directory, "cgroup.procs"), "utf8").catch(() => "");
  for (const pid of listed.split("\n").filter(Boolean).map(Number)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Exited between the listing and the kill.
    }
  }
}

/** Kill whatever is still in the cgroup(s) and remove them; throws when one cannot be emptied in time. */
export async function removePidsCgroup(cgroup: PidsCgroup): Promise<void> {
  await removeDirectory(cgroup.directory);
  if (cgroup.memoryDirectory && cgroup.memoryDirectory !== cgroup.directory) {
    await removeDirectory(cgroup.memoryDirectory);
  }
}

async function removeDirectory(directory: string): Promise<void> {
  const cgroup = { directory };
  const deadline = performance.now() + removeDeadlineMs;
  for (;;) {
    await killMembers(cgroup);
    try {
      await rmdir(cgroup.directory);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      if (code !== "EBUSY" || performance.now() > deadline) {
        throw new SandboxError(`could not remove the sandbox cgroup ${cgroup.directory}; remove it by hand`, {
          details: { cgroup: cgroup.directory },
          cause: error,
        });
      }
      await sleep(removeRetryMs);
    }
  }
}
