// A cgroup v2 directory per sandbox that can end everything in it for certain: `cgroup.kill` (Linux
// 5.14) SIGKILLs every process of the cgroup and its descendants in the kernel, without a look at
// /proc that a hiding process could slip past, and `cgroup.events` says when none is left. On a
// hybrid host (v1 controllers) the v2 hierarchy is still mounted (often at /sys/fs/cgroup/unified)
// and serves for this alone. A process can leave its cgroup only by writing a cgroupfs file the
// sandbox does not see.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SandboxError } from "../../core/errors.ts";

/** How long a killed cgroup may take to empty before the kill counts as unproven. */
const emptyDeadlineMs = 5_000;
const pollMs = 5;
/** How long a round waits for the cgroup to freeze before it kills regardless. */
const freezeDeadlineMs = 500;

/** Mount points of the cgroup v2 hierarchy, from /proc/self/mountinfo's text. */
export function cgroup2Mounts(mountinfo: string): string[] {
  return mountinfo.split("\n").flatMap((line) => {
    const [mountFields, sourceFields] = line.split(" - ");
    if (!sourceFields?.startsWith("cgroup2 ")) return [];
    const mountPoint = mountFields?.split(" ")[4];
    // mountinfo escapes spaces and the like as octal (\040).
    return mountPoint
      ? [mountPoint.replace(/\\(\d{3})/g, (_, code) => String.fromCharCode(parseInt(code, 8)))]
      : [];
  });
}

/**
 * Parents a kill cgroup may be made under, best first: our own v2 cgroup (`0::/path`; writable when
 * delegated to us, as systemd does for user sessions), then each v2 mount's root (root only).
 */
export function killCgroupParents(mountinfo: string, selfCgroup: string): string[] {
  const own = /^0::(\/.*)$/m.exec(selfCgroup)?.[1];
  const parents: string[] = [];
  for (const mount of cgroup2Mounts(mountinfo)) {
    if (own && own !== "/") parents.push(path.join(mount, own));
    parents.push(mount);
  }
  return [...new Set(parents)];
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    // Not Linux, or /proc hidden: no cgroup v2 to use.
    return fallback;
  }
}

/** Make `directory` as a kill cgroup; false when it cannot be made here or cannot kill (kernel < 5.14). */
async function tryCreate(directory: string): Promise<boolean> {
  const made = await mkdir(directory).then(
    () => true,
    () => false,
  );
  if (!made) return false;
  if (existsSync(path.join(directory, "cgroup.kill"))) return true;
  await rmdir(directory).catch(() => undefined);
  return false;
}

/** A new kill cgroup named `name`, or undefined when this host offers none we may write. */
export async function createKillCgroup(name: string): Promise<string | undefined> {
  const mountinfo = readOr("/proc/self/mountinfo", "");
  const selfCgroup = readOr("/proc/self/cgroup", "");
  for (const parent of killCgroupParents(mountinfo, selfCgroup)) {
    const directory = path.join(parent, name);
    if (await tryCreate(directory)) return directory;
  }
  return undefined;
}

/** A child of kill cgroup `directory` for one group of processes (a command, a shared space). */
export async function createChildCgroup(directory: string, name: string): Promise<string> {
  const child = path.join(directory, name);
  try {
    await mkdir(child);
    return child;
  } catch (error) {
    throw new SandboxError(`could not make the cgroup ${child} for a sandboxed command`, {
      details: { cgroup: child },
      cause: error,
    });
  }
}

async function populated(directory: string): Promise<boolean> {
  const events = await readFile(path.join(directory, "cgroup.events"), "utf8");
  return /^populated 1$/m.test(events);
}

/** Every thread in `directory` and its descendants, as the kernel lists them (`cgroup.threads`). */
async function threadsUnder(directory: string, depth = 0): Promise<number[]> {
  const own = await readFile(path.join(directory, "cgroup.threads"), "utf8").catch(() => "");
  const tids = own.split("\n").filter(Boolean).map(Number);
  // Slipway makes one level of children; a little more is read, never an unbounded walk.
  if (depth >= 3) return tids;
  for (const child of await readdirOrEmpty(directory)) {
    tids.push(...(await threadsUnder(path.join(directory, child), depth + 1)));
  }
  return tids;
}

/** Poll (bounded) until the cgroup says it is frozen or empty; false when it did not in time. */
async function untilFrozen(directory: string): Promise<boolean> {
  for (let waited = 0; waited < freezeDeadlineMs; waited += pollMs) {
    const events = await readFile(path.join(directory, "cgroup.events"), "utf8");
    if (/^frozen 1$/m.test(events) || /^populated 0$/m.test(events)) return true;
    await sleep(pollMs);
  }
  return false;
}

/**
 * One round of killing. cgroup.kill alone is not enough: it signals processes by their leader, and
 * one whose main thread has exited (a zombie leader) keeps its other threads — so every thread the
 * cgroup lists is killed too (a kill of any thread ends its whole process). The cgroup is frozen
 * meanwhile, so no listed thread can exit and have its number reused by a host process before the
 * kill reaches it.
 */
async function killRound(directory: string): Promise<void> {
  const freeze = path.join(directory, "cgroup.freeze");
  const canFreeze = existsSync(freeze);
  if (canFreeze) {
    await writeFile(freeze, "1");
    // A thread stuck in the kernel may not freeze in time; the kill goes on regardless.
    await untilFrozen(directory);
  }
  await writeFile(path.join(directory, "cgroup.kill"), "1");
  for (const tid of await threadsUnder(directory)) {
    try {
      process.kill(tid, "SIGKILL");
    } catch {
      // It died of the cgroup.kill already.
    }
  }
  if (canFreeze) await writeFile(freeze, "0");
}

/**
 * SIGKILL every process in `directory` and its descendants, and resolve once the kernel says none
 * is left; a SandboxError when that cannot be shown within the deadline.
 */
export async function killCgroup(directory: string): Promise<void> {
  const deadline = performance.now() + emptyDeadlineMs;
  try {
    for (;;) {
      // Again each round: a process forked while the kill walked the cgroup is caught by the next.
      await killRound(directory);
      if (!(await populated(directory))) return;
      if (performance.now() > deadline) break;
      await sleep(pollMs);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new SandboxError(`could not end the processes of the sandbox cgroup ${directory}`, {
      details: { cgroup: directory },
      cause: error,
    });
  }
  throw new SandboxError(
    `the processes of the sandbox cgroup ${directory} did not end within ${emptyDeadlineMs} ms; the run cannot prove nothing of the agent's still runs`,
    { details: { cgroup: directory } },
  );
}

/** Kill what is left in `directory` and remove it (its children first: Slipway makes one level only). */
export async function removeKillCgroup(directory: string): Promise<void> {
  await killCgroup(directory);
  const children = await readdirOrEmpty(directory);
  for (const child of children) await rmdir(path.join(directory, child)).catch(ignoreGone);
  await rmdir(directory).catch(ignoreGone);
}

async function readdirOrEmpty(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

function ignoreGone(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}
