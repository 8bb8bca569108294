// A pristine copy of what setup installed (node_modules, .venv …), kept beside the worktree where
// no sandbox reaches it, so the gate can put the dependencies back after it removed every file
// outside the frozen tree: the checks then run on the installed dependencies, never on a copy the
// agent may have rewritten (a node_modules/.bin runner that always passes).
import { execFile } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { entryKindInside } from "../workspace/safe-fs.ts";
import { unmountDownloadCaches } from "./caches/download-caches.ts";
import { mountDependencies, overlayProblem, unmountDependencies } from "./snapshots/dependency-mounts.ts";

const run = promisify(execFile);
/** Copying a large node_modules takes seconds (reflinks) to a minute or two (a full copy). */
const copyTimeoutMs = 10 * 60_000;

/** Where the copy of `worktree`'s setup directories lives: its sibling, on the same volume. */
export function setupCopyPath(worktree: string): string {
  return `${worktree}.setup`;
}

/** `cp -a` (links copied as links, never followed), sharing blocks where the filesystem can. */
async function copyTree(from: string, to: string, signal?: AbortSignal): Promise<void> {
  await run("cp", ["-a", "--reflink=auto", "--", from, to], {
    timeout: copyTimeoutMs,
    signal,
    maxBuffer: 1024 * 1024,
  });
}

/**
 * Copy each of `directories` (relative to `worktree`) that setup left as a real directory to the
 * setup copy; returns those kept. Call it only once the setup sandbox has ended.
 */
export async function keepSetupDirectories(
  worktree: string,
  directories: readonly string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const copy = setupCopyPath(worktree);
  await rm(copy, { recursive: true, force: true });
  const kept: string[] = [];
  for (const directory of directories) {
    // A link or file where a dependency directory should be is not followed, not kept.
    if ((await entryKindInside(worktree, directory)) !== "directory") continue;
    const target = path.join(copy, directory);
    await mkdir(path.dirname(target), { recursive: true });
    await copyTree(path.join(worktree, directory), target, signal);
    kept.push(directory);
  }
  return kept;
}

/**
 * Put the kept directories back into `worktree` where nothing stands at their names (the gate
 * removed them). A name the frozen tree holds (a link or file the agent committed there) is left
 * alone and reported: copying into it could write through a link. `source` is where the pristine
 * directories are: the setup copy, or the warm snapshot a run restored (read only, never mounted
 * into a sandbox). With `mount`, they are overlay-mounted from `source` instead of copied (for a
 * sandbox that sees host mounts made after it started), falling back to the copy.
 */
export async function restoreSetupDirectories(
  worktree: string,
  kept: readonly string[],
  signal?: AbortSignal,
  source: string = setupCopyPath(worktree),
  mount = false,
): Promise<{ restored: string[]; skipped: string[]; mounted?: boolean }> {
  const restored: string[] = [];
  const skipped: string[] = [];
  for (const directory of kept) {
    const parent = path.dirname(directory);
    const free =
      (await entryKindInside(worktree, directory)) === "missing" &&
      (parent === "." || (await entryKindInside(worktree, parent)) === "directory");
    (free ? restored : skipped).push(directory);
  }
  if (mount && restored.length > 0 && !overlayProblem()) {
    try {
      await mountDependencies(worktree, source, restored, signal);
      return { restored, skipped, mounted: true };
    } catch {
      // Nothing stays mounted after a failed mountDependencies: copy as a sandbox without mounts needs.
    }
  }
  for (const directory of restored)
    await copyTree(path.join(source, directory), path.join(worktree, directory), signal);
  return { restored, skipped };
}

/** Remove the setup copy of `worktree` (safe when there is none). */
export async function removeSetupCopy(worktree: string): Promise<void> {
  await rm(setupCopyPath(worktree), { recursive: true, force: true });
}

/**
 * Unmount the snapshot overlays of `worktree` and drop what was written to them, and the download
 * caches a setup that never ended left mounted. Call it before
 * anything removes files of the worktree (the gate's clean-up, the worktree's removal), also in crash
 * recovery: a removal walking into a mounted overlay would fail on its mount point.
 */
export async function releaseSetupMounts(worktree: string): Promise<number> {
  return (await unmountDependencies(worktree)) + (await unmountDownloadCaches(worktree));
}
