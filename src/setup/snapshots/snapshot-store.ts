// The warm dependency snapshots: `<dataDir>/snapshots/<key>/` (mode 0700, never mounted into a
// sandbox) holds what one successful setup produced (`tree/`) and `meta.json`. A snapshot is written
// to a temporary directory and renamed into place, so a reader sees a whole snapshot or none; it is
// never changed afterwards, only copied from (a run gets its own copy) and removed by eviction.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { entryKindInside } from "../../workspace/safe-fs.ts";
import { lowerInUse } from "./dependency-mounts.ts";

const run = promisify(execFile);
/** Copying a large node_modules takes seconds to a minute or two; measuring it a few seconds. */
const copyTimeoutMs = 10 * 60_000;
/** More snapshots than this in one data directory are not read (list and eviction stay bounded). */
const maxSnapshots = 10_000;

export const SnapshotMeta = z.object({
  key: z.string().regex(/^[0-9a-f]{32}$/),
  repo: z.string(),
  directories: z.array(z.string()),
  bytes: z.number().int().nonnegative(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  /** The lines the key hashes: why two snapshots of one repository differ. */
  parts: z.array(z.string()),
  /** Real path of the worktree the snapshot was installed in: rewritten at restore (worktree-paths). */
  worktree: z.string().optional(),
});
export type SnapshotMeta = z.infer<typeof SnapshotMeta>;

export function snapshotsRoot(dataDir: string): string {
  return path.join(dataDir, "snapshots");
}

function snapshotDir(dataDir: string, key: string): string {
  if (!/^[0-9a-f]{32}$/.test(key)) throw new Error(`"${key}" is not a snapshot key`);
  return path.join(snapshotsRoot(dataDir), key);
}

/** The directories of the snapshot of `key` (read only: copied from, never written). */
export function snapshotTreePath(dataDir: string, key: string): string {
  return path.join(snapshotDir(dataDir, key), "tree");
}

async function copyTree(from: string, to: string, signal?: AbortSignal): Promise<void> {
  // -a copies links as links (never followed); reflinks share blocks where the filesystem can.
  await run("cp", ["-a", "--reflink=auto", "--", from, to], {
    timeout: copyTimeoutMs,
    signal,
    maxBuffer: 1 << 20,
  });
}

async function diskBytes(directory: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await run("du", ["-s", "-B1", "--", directory], { timeout: copyTimeoutMs, signal });
  return Number.parseInt(stdout, 10) || 0;
}

async function readMeta(directory: string): Promise<SnapshotMeta | undefined> {
  try {
    return SnapshotMeta.parse(JSON.parse(await readFile(path.join(directory, "meta.json"), "utf8")));
  } catch {
    // Missing or damaged: not a usable snapshot (prune removes it).
    return undefined;
  }
}

async function writeMeta(directory: string, meta: SnapshotMeta): Promise<void> {
  const temporary = path.join(directory, `.meta-${randomBytes(6).toString("hex")}`);
  await writeFile(temporary, JSON.stringify(meta, null, 2), { mode: 0o600 });
  await rename(temporary, path.join(directory, "meta.json"));
}

/** The snapshot of `key`, or undefined when there is none (or it is damaged). */
export async function findSnapshot(dataDir: string, key: string): Promise<SnapshotMeta | undefined> {
  return readMeta(snapshotDir(dataDir, key));
}

export interface SaveRequest {
  dataDir: string;
  key: string;
  repo: string;
  parts: string[];
  /** Where the directories are copied from (the setup copy: what setup left, before any agent). */
  source: string;
  directories: readonly string[];
  /** The worktree setup installed in (its absolute paths are in the saved files). */
  worktree?: string;
  signal?: AbortSignal;
}

/** Save `directories` of `source` as the snapshot of `key`; another run that saved it first wins. */
export async function saveSnapshot(request: SaveRequest): Promise<SnapshotMeta | undefined> {
  const root = snapshotsRoot(request.dataDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const temporary = path.join(root, `.tmp-${request.key}-${randomBytes(6).toString("hex")}`);
  try {
    await mkdir(path.join(temporary, "tree"), { recursive: true, mode: 0o700 });
    for (const directory of request.directories) {
      if ((await entryKindInside(request.source, directory)) !== "directory") return undefined;
      const target = path.join(temporary, "tree", directory);
      await mkdir(path.dirname(target), { recursive: true });
      await copyTree(path.join(request.source, directory), target, request.signal);
    }
    const now = new Date().toISOString();
    const meta: SnapshotMeta = {
      key: request.key,
      repo: request.repo,
      directories: [...request.directories],
      bytes: await diskBytes(temporary, request.signal),
      createdAt: now,
      lastUsedAt: now,
      parts: request.parts,
      ...(request.worktree ? { worktree: request.worktree } : {}),
    };
    await writeMeta(temporary, meta);
    try {
      await rename(temporary, snapshotDir(request.dataDir, request.key));
    } catch (error) {
      // Another run saved the same key meanwhile: its snapshot is as good as this one.
      if (
        (error as NodeJS.ErrnoException).code === "ENOTEMPTY" ||
        (error as NodeJS.ErrnoException).code === "EEXIST"
      )
        return findSnapshot(request.dataDir, request.key);
      throw error;
    }
    return meta;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/**
 * Copy the snapshot's directories into each of `targets` (a worktree, the setup copy), where
 * nothing stands at their names yet, and mark the snapshot used. The snapshot itself is only read.
 */
export async function restoreSnapshot(
  dataDir: string,
  meta: SnapshotMeta,
  targets: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  const tree = snapshotTreePath(dataDir, meta.key);
  const copies: Promise<void>[] = [];
  for (const target of targets) {
    for (const directory of meta.directories) {
      if ((await entryKindInside(target, directory)) !== "missing")
        throw new Error(`${directory} already exists in ${target}: the snapshot is not copied over it`);
      await mkdir(path.dirname(path.join(target, directory)), { recursive: true });
      copies.push(copyTree(path.join(tree, directory), path.join(target, directory), signal));
    }
  }
  await Promise.all(copies);
  await markSnapshotUsed(dataDir, meta);
}

/** Record that a run restored the snapshot now (least-recently-used eviction reads it). */
export async function markSnapshotUsed(dataDir: string, meta: SnapshotMeta): Promise<void> {
  await writeMeta(snapshotDir(dataDir, meta.key), { ...meta, lastUsedAt: new Date().toISOString() });
}

/** Every readable snapshot, most recently used first. */
export async function listSnapshots(dataDir: string): Promise<SnapshotMeta[]> {
  let names: string[];
  try {
    names = await readdir(snapshotsRoot(dataDir));
  } catch {
    return [];
  }
  const metas: SnapshotMeta[] = [];
  for (const name of names.filter((entry) => /^[0-9a-f]{32}$/.test(entry)).slice(0, maxSnapshots)) {
    const meta = await readMeta(path.join(snapshotsRoot(dataDir), name));
    if (meta) metas.push(meta);
  }
  return metas.sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt));
}

/** Which snapshots to remove so the rest fit in `maxBytes`: least recently used first. Pure. */
export function snapshotsToEvict(
  snapshots: readonly SnapshotMeta[],
  maxBytes: number,
  inUseSince = Number.POSITIVE_INFINITY,
): SnapshotMeta[] {
  const byUse = [...snapshots].sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt));
  let total = 0;
  const evicted: SnapshotMeta[] = [];
  for (const snapshot of byUse) {
    // One a running run restored may still be read by its gate: kept even above the limit.
    const inUse = Date.parse(snapshot.lastUsedAt) >= inUseSince;
    if (inUse || total + snapshot.bytes <= maxBytes) total += snapshot.bytes;
    else evicted.push(snapshot);
  }
  return evicted;
}

/**
 * Remove damaged entries and leftover temporary directories (of saves that crashed), then the
 * least recently used snapshots above `maxBytes` (every snapshot with `all`). Returns what went.
 */
export async function pruneSnapshots(
  dataDir: string,
  options: { maxBytes: number; all?: boolean; keepUsedWithinMs?: number },
): Promise<{ removed: SnapshotMeta[]; leftovers: number }> {
  const root = snapshotsRoot(dataDir);
  let names: string[] = [];
  try {
    names = (await readdir(root)).slice(0, maxSnapshots);
  } catch {
    return { removed: [], leftovers: 0 };
  }
  const snapshots = await listSnapshots(dataDir);
  const known = new Set(snapshots.map((snapshot) => snapshot.key));
  // A temporary directory of a save still under way is young; only hour-old ones are leftovers.
  let leftovers = 0;
  for (const name of names.filter((entry) => !known.has(entry))) {
    if (name.startsWith(".tmp-") && !(await olderThan(path.join(root, name), 3_600_000))) continue;
    await rm(path.join(root, name), { recursive: true, force: true });
    leftovers++;
  }
  const inUseSince = Date.now() - (options.keepUsedWithinMs ?? 0);
  // A snapshot a run has mounted as its lower layer is never removed, --all or not: it is in use.
  const candidates = snapshots.filter((snapshot) => !lowerInUse(snapshotDir(dataDir, snapshot.key)));
  const removed = options.all ? candidates : snapshotsToEvict(candidates, options.maxBytes, inUseSince);
  for (const snapshot of removed)
    await rm(snapshotDir(dataDir, snapshot.key), { recursive: true, force: true });
  return { removed, leftovers };
}

async function olderThan(entry: string, ageMs: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(entry)).mtimeMs > ageMs;
  } catch {
    return true;
  }
}
