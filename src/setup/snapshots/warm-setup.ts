// The setup stage's use of warm snapshots: before installing, restore the snapshot whose key
// matches (no install command runs) — copy-on-write overlay mounts where the host allows them, a
// copy otherwise (the trace says which, and why); after a successful cold install, save what it
// produced. Neither may fail a run: a snapshot that cannot be restored falls back to installing,
// one that cannot be saved is only noted.
import { realpath, rm } from "node:fs/promises";
import path from "node:path";
import { describeError } from "../../core/errors.ts";
import type { SetupSnapshotData } from "../../core/events/setup-events.ts";
import { setupCopyPath } from "../setup-copy.ts";
import { mountDependencies, overlayProblem } from "./dependency-mounts.ts";
import { type SnapshotKey, type SnapshotKeyRequest, snapshotKeyOf } from "./snapshot-key.ts";
import type { SnapshotMeta } from "./snapshot-store.ts";
import {
  findSnapshot,
  markSnapshotUsed,
  pruneSnapshots,
  restoreSnapshot,
  saveSnapshot,
  snapshotTreePath,
} from "./snapshot-store.ts";
import { rewriteWorktreePaths } from "./worktree-paths.ts";

export interface WarmContext {
  dataDir: string;
  worktree: string;
  maxBytes: number;
  /** How long after its last restore a snapshot may still be read by a running run's gate. */
  inUseMs: number;
  /** The sandbox backend's name: docker's worktree hand-over makes a mount cost more than a copy. */
  sandbox?: string;
  signal?: AbortSignal;
}

/** What a restore attempt did, for the trace (`setup-restore`). */
export interface RestoreResult {
  key: string;
  restored: boolean;
  directories: string[];
  durationMs: number;
  /** overlay: copy-on-write mounts of the snapshot; copy: a full copy into the worktree. */
  mode?: "overlay" | "copy";
  /** Why the snapshot was copied rather than mounted. */
  fallback?: string;
  /** Why a snapshot of this key was found but not used. */
  problem?: string;
}

/** The key of this setup, or undefined (with the reason) when it cannot be computed. */
export async function warmKey(request: SnapshotKeyRequest): Promise<SnapshotKey | { problem: string }> {
  try {
    return await snapshotKeyOf(request);
  } catch (error) {
    return { problem: `no snapshot key: ${describeError(error)}` };
  }
}

/**
 * Why backend `name` gets a copy rather than a mount, or undefined. The docker backend, run as root,
 * hands the worktree to the sandbox's own uid with `chown -R`, which through an overlay copies up
 * every inode: measured 3–5 s and 45 MiB for 10,000 entries, against 1.3 s to copy and chown them.
 */
export function copyRatherThanMount(name: string | undefined): string | undefined {
  return name === "docker"
    ? "the docker sandbox hands the worktree to its user with chown -R, which would copy up every file of an overlay: a copy is faster"
    : undefined;
}

/** Mount the snapshot copy-on-write into the worktree; the reason when it cannot be (then nothing is mounted). */
async function mountWarm(context: WarmContext, meta: SnapshotMeta): Promise<string | undefined> {
  const problem = overlayProblem() ?? copyRatherThanMount(context.sandbox);
  if (problem) return problem;
  try {
    await mountDependencies(
      context.worktree,
      snapshotTreePath(context.dataDir, meta.key),
      meta.directories,
      context.signal,
    );
    await markSnapshotUsed(context.dataDir, meta);
    return undefined;
  } catch (error) {
    return `overlay mount failed: ${describeError(error)}`;
  }
}

/**
 * Restore the snapshot of `key` into the worktree: overlay mounts when the host allows them, else a
 * copy. Undefined when there is none; on a failure what was copied is removed, so a cold install
 * starts clean.
 */
export async function restoreWarm(context: WarmContext, key: string): Promise<RestoreResult | undefined> {
  const meta = await findSnapshot(context.dataDir, key);
  if (!meta) return undefined;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // No setup copy: the gate restores from the snapshot itself, which nothing of the run can change
  // and eviction keeps while it may be in use (snapshotInUseMs) — one copy instead of two.
  await rm(setupCopyPath(context.worktree), { recursive: true, force: true });
  const fallback = await mountWarm(context, meta);
  // The installing run's absolute paths (a venv's #! lines) name this worktree instead.
  // Never fails the restore: a path left as it was costs the agent a script, not the run.
  const rewrite = async () =>
    rewriteWorktreePaths(
      await realpath(context.worktree),
      meta.directories,
      meta.worktree,
      context.signal,
    ).catch(() => undefined);
  if (fallback === undefined) {
    await rewrite();
    return { key, restored: true, directories: meta.directories, durationMs: elapsed(), mode: "overlay" };
  }
  try {
    await restoreSnapshot(context.dataDir, meta, [context.worktree], context.signal);
    await rewrite();
    return {
      key,
      restored: true,
      directories: meta.directories,
      durationMs: elapsed(),
      mode: "copy",
      fallback,
    };
  } catch (error) {
    for (const directory of meta.directories)
      await rm(path.join(context.worktree, directory), { recursive: true, force: true });
    return { key, restored: false, directories: [], durationMs: elapsed(), problem: describeError(error) };
  }
}

/**
 * Whether a check run by backend `name` sees an overlay mounted on the host after its sandbox was
 * made. bwrap starts a new instance per check, whose recursive bind copies the host's mounts then;
 * a docker container keeps the mounts of its creation (its binds do not propagate), so its gate
 * gets a copy.
 */
export function seesLaterMounts(name: string): boolean {
  return name === "bwrap";
}

/** Where the gate restores a warm run's dependencies from: the snapshot's own tree. */
export function snapshotTree(dataDir: string, key: string): string {
  return snapshotTreePath(dataDir, key);
}

/** Save the setup copy's `directories` as the snapshot of `key`, then evict above maxBytes. */
export async function saveWarm(
  context: WarmContext,
  key: SnapshotKey,
  repo: string,
  directories: readonly string[],
): Promise<SetupSnapshotData> {
  const started = performance.now();
  try {
    const meta = await saveSnapshot({
      dataDir: context.dataDir,
      key: key.key,
      repo,
      parts: key.parts,
      source: setupCopyPath(context.worktree),
      worktree: await realpath(context.worktree),
      directories,
      signal: context.signal,
    });
    const { removed } = await pruneSnapshots(context.dataDir, {
      maxBytes: context.maxBytes,
      keepUsedWithinMs: context.inUseMs,
    });
    return {
      key: key.key,
      saved: meta !== undefined && !removed.some((entry) => entry.key === key.key),
      bytes: meta?.bytes ?? 0,
      evicted: removed.map((entry) => entry.key),
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { key: key.key, saved: false, problem: describeError(error) };
  }
}
