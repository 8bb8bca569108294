// Copy-on-write restore of a warm snapshot: one host-side overlay mount per dependency directory of
// the worktree, the snapshot as its read-only lower layer and an empty upper layer beside the
// worktree (`<worktree>.layers`, on the run's volume, so what the agent writes counts against its
// quota and no sandbox mounts it). Sandbox binds are recursive, so a sandbox made afterwards sees the
// merged directory; nothing written through it reaches the snapshot. Every mount carries the source
// name `slipway-deps`, so the mounts under a worktree are found again in /proc/self/mountinfo, also
// by crash recovery.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { chmod, chown, mkdir, realpath, rm, rmdir, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { entryKindInside } from "../../workspace/safe-fs.ts";

const run = promisify(execFile);
/** mount and umount return at once; a hung one (a dead network lower) is given up. */
const toolTimeoutMs = 30_000;
/** The source name of every overlay Slipway mounts, how its mounts are told from anyone else's. */
export const mountSource = "slipway-deps";
/** More dependency directories than this in one snapshot are restored by copying, not mounted. */
const maxMounts = 64;

/** The directory beside `worktree` holding each mount's upper and work directories. */
export function layersPath(worktree: string): string {
  return `${worktree}.layers`;
}

/** Why overlay mounts cannot be made here, or undefined when they can (Linux, root, overlayfs). */
export function overlayProblem(): string | undefined {
  if (process.platform !== "linux") return "overlay mounts need Linux";
  if (process.getuid?.() !== 0) return "overlay mounts need root";
  try {
    if (!/\toverlay\n/.test(readFileSync("/proc/filesystems", "utf8"))) return "the kernel has no overlayfs";
  } catch {
    return "cannot read /proc/filesystems";
  }
  if (!existsSync("/usr/bin/mount") && !existsSync("/bin/mount")) return "mount is missing";
  return undefined;
}

/**
 * metacopy: a chown or chmod through the mount copies only the inode, not the file's data (the
 * docker backend hands the whole worktree to the sandbox's uid with `chown -R` when Slipway is root);
 * it needs redirect_dir, which also lets a renamed lower directory keep its contents.
 */
const metacopy = existsSync("/sys/module/overlay/parameters/metacopy") ? "redirect_dir=on,metacopy=on," : "";

/** Overlay options are comma separated and lowerdir colon separated: such paths cannot be named. */
function unnameable(directory: string): boolean {
  return /[,:\\\n]/.test(directory);
}

function tool(argv: string[], signal?: AbortSignal): Promise<unknown> {
  return run(argv[0]!, argv.slice(1), {
    timeout: toolTimeoutMs,
    signal,
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
  });
}

/** A mount point as /proc/self/mountinfo writes it: space, tab, newline and backslash as octal. */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export interface DependencyMount {
  mountPoint: string;
  /** The lower layer, from the mount's options. */
  lower: string;
}

interface MountEntry {
  mountPoint: string;
  /** The mount's root inside its file system (a bind mount's source directory there). */
  root: string;
  fsType: string;
  source: string;
  options: string;
}

/** Every mount of this process's namespace, as /proc/self/mountinfo lists it. */
function mountTable(): MountEntry[] {
  let text = "";
  try {
    text = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const [own, rest] = line.split(" - ");
    if (!own || !rest) continue;
    const [fsType = "", source = "", options = ""] = rest.split(" ");
    const fields = own.split(" ");
    entries.push({
      mountPoint: unescapeMountPath(fields[4] ?? ""),
      root: unescapeMountPath(fields[3] ?? ""),
      fsType,
      source,
      options,
    });
  }
  return entries;
}

/** Slipway's overlay mounts. */
export function dependencyMounts(): DependencyMount[] {
  return mountTable()
    .filter((entry) => entry.fsType === "overlay" && entry.source === mountSource)
    .map((entry) => ({
      mountPoint: entry.mountPoint,
      lower: unescapeMountPath(/(?:^|,)lowerdir=([^,]*)/.exec(entry.options)?.[1] ?? ""),
    }));
}

/**
 * Which of `mountPoints` are at or under `root`, deepest first. The table holds real paths (mount
 * resolves links in its target): a root reached through a link (a data directory under a linked
 * /tmp) is compared by its real path too.
 */
function under(root: string, mountPoints: string[]): string[] {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // Gone: its mount points, if any, are still listed by the path they were made at.
  }
  const inside = (mountPoint: string) =>
    [root, real].some((base) => mountPoint === base || mountPoint.startsWith(`${base}/`));
  return mountPoints.filter(inside).sort((a, b) => b.length - a.length);
}

/** The mount points of any kind at or under `root`, deepest first. */
export function mountPointsUnder(root: string): string[] {
  return under(
    root,
    mountTable().map((entry) => entry.mountPoint),
  );
}

/** The mounts of any kind at or under `root` with their roots, deepest first. */
export function mountsUnder(root: string): { mountPoint: string; root: string }[] {
  const table = mountTable();
  const points = new Set(
    under(
      root,
      table.map((entry) => entry.mountPoint),
    ),
  );
  return table
    .filter((entry) => points.has(entry.mountPoint))
    .map((entry) => ({ mountPoint: entry.mountPoint, root: entry.root }))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
}

/** The mount points of Slipway's overlays at or under `root`, deepest first. */
export function dependencyMountsUnder(root: string): string[] {
  return under(
    root,
    dependencyMounts().map((mount) => mount.mountPoint),
  );
}

/** True when a Slipway overlay mounted now reads from `directory` (or below it): it must not be removed. */
export function lowerInUse(directory: string): boolean {
  return dependencyMounts().some(
    (mount) => mount.lower === directory || mount.lower.startsWith(`${directory}/`),
  );
}

/**
 * Make `directory` (relative, not there yet) inside `worktree` and return its absolute path, or throw.
 * The worktree holds the repository's files: a link on the way would move the mount anywhere on the host.
 */
async function mountPointFor(worktree: string, directory: string): Promise<string> {
  if ((await entryKindInside(worktree, directory)) !== "missing")
    throw new Error(`${directory} already exists in the worktree: nothing is mounted over it`);
  const target = path.join(worktree, directory);
  await mkdir(target, { recursive: true });
  // Nothing of the run runs now (setup's sandbox is gone and the agent's not made, or at the gate
  // the agent's processes were ended): no one can swap a directory for a link after this check.
  if ((await realpath(target)) !== path.join(await realpath(worktree), directory))
    throw new Error(`${directory} leads out of the worktree through a link`);
  return target;
}

/**
 * Mount `lowerRoot/<directory>` copy-on-write at `worktree/<directory>` for each of `directories`.
 * On a failure every mount made is undone and the error thrown: the caller copies instead.
 */
export async function mountDependencies(
  worktree: string,
  lowerRoot: string,
  directories: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  if (directories.length > maxMounts) throw new Error(`more than ${maxMounts} dependency directories`);
  const layers = layersPath(worktree);
  for (const name of [lowerRoot, layers]) {
    if (unnameable(name)) throw new Error(`${name} holds a comma, colon or backslash`);
  }
  await rm(layers, { recursive: true, force: true });
  await mkdir(layers, { mode: 0o700 });
  try {
    for (const [index, directory] of directories.entries()) {
      const lower = path.join(lowerRoot, directory);
      if (unnameable(directory)) throw new Error(`${directory} holds a comma, colon or backslash`);
      const upper = path.join(layers, String(index), "upper");
      const work = path.join(layers, String(index), "work");
      await mkdir(upper, { recursive: true });
      await mkdir(work, { recursive: true });
      // The merged directory's own owner and mode are the upper directory's: make them the snapshot's.
      const lowerStat = await stat(lower);
      await chown(upper, lowerStat.uid, lowerStat.gid);
      await chmod(upper, lowerStat.mode & 0o7777);
      const target = await mountPointFor(worktree, directory);
      const options = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
      await tool(
        ["mount", "-t", "overlay", mountSource, "-o", `nosuid,nodev,${metacopy}${options}`, target],
        signal,
      );
    }
  } catch (error) {
    await unmountDependencies(worktree);
    for (const directory of directories)
      await rm(path.join(worktree, directory), { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Unmount every Slipway overlay at or under `worktree` (lazily when busy), remove each now empty
 * mount point and the upper layers. In the tests a sandbox made before no longer sees what the agent
 * wrote once the host unmounted; removing the mount point is defence in depth, since the kernel
 * detaches other namespaces' mounts on a removed directory. Safe to call when nothing is mounted;
 * returns how many mounts went.
 */
export async function unmountDependencies(worktree: string): Promise<number> {
  const mounts = dependencyMountsUnder(worktree);
  for (const mountPoint of mounts) {
    try {
      await tool(["umount", mountPoint]);
    } catch {
      // Busy (a process still in it): detach it now; the kernel frees it when the last user goes.
      await tool(["umount", "--lazy", mountPoint]);
    }
    // The directory under the mount was made empty by mountDependencies; a leftover is not ours to keep.
    await rmdir(mountPoint).catch(() => rm(mountPoint, { recursive: true, force: true }));
  }
  await rm(layersPath(worktree), { recursive: true, force: true });
  return mounts.length;
}
