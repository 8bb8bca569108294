// Package-manager download caches kept between setups: `<dataDir>/caches/<ecosystem>/<repository>/`,
// bind-mounted (nosuid, nodev) into the worktree at `.slipway-setup-cache/<ecosystem>` for the setup
// sandbox only, with the variables that point each package manager at it. A cold install then
// reuses what an earlier setup of the repository downloaded. One cache per repository, not one per
// ecosystem for all: a setup runs the repository's own (possibly hostile) commands, and much of what
// caches hold (pip's built wheels, cargo's extracted sources, Maven's jars, Go's extracted modules) is
// trusted without a check when read, so one repository must not plant files another one's install
// reads. Unmounted before the agent's sandbox exists: the agent and the gate never see it.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, realpath, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { entryKindInside } from "../../workspace/safe-fs.ts";
import { mountPointsUnder, mountsUnder } from "../snapshots/dependency-mounts.ts";

const run = promisify(execFile);
const toolTimeoutMs = 30_000;

/** The folder of the worktree where the caches are mounted while setup runs. */
export const cacheFolder = ".slipway-setup-cache";

/** The variables pointing an ecosystem's package managers at its cache directory `dir` (inside path). */
const cacheVariables: Record<string, (dir: string) => Record<string, string>> = {
  // prefer-offline: what the cache holds is used without asking the registry again (a lockfile pins
  // versions and integrity; only what is missing is downloaded), so a cached install needs no network.
  node: (dir) => ({
    npm_config_cache: `${dir}/npm`,
    npm_config_prefer_offline: "true",
    YARN_CACHE_FOLDER: `${dir}/yarn`,
    BUN_INSTALL_CACHE_DIR: `${dir}/bun`,
  }),
  python: (dir) => ({
    PIP_CACHE_DIR: `${dir}/pip`,
    UV_CACHE_DIR: `${dir}/uv`,
    POETRY_CACHE_DIR: `${dir}/poetry`,
  }),
  // Registry index, .crate files and extracted sources; tokens come from the environment, never written.
  rust: (dir) => ({ CARGO_HOME: dir }),
  go: (dir) => ({ GOMODCACHE: `${dir}/mod` }),
  java: (dir) => ({ MAVEN_OPTS: `-Dmaven.repo.local=${dir}/m2`, GRADLE_USER_HOME: `${dir}/gradle` }),
};

/**
 * The variables for the setup command named `name`: the caches' and, for pnpm, its store (npm warns
 * about a store-dir it does not know, so only pnpm's commands get it).
 */
export function cacheEnvFor(caches: MountedCaches | undefined, name: string): Record<string, string> {
  if (!caches?.env.npm_config_cache) return { ...caches?.env };
  const node = caches.env.npm_config_cache.replace(/\/npm$/, "");
  return name.startsWith("pnpm ")
    ? { ...caches.env, npm_config_store_dir: `${node}/pnpm-store` }
    : { ...caches.env };
}

/** The ecosystems whose downloads are cached. */
export const cachedEcosystems = Object.keys(cacheVariables);

export function cachesRoot(dataDir: string): string {
  return path.join(dataDir, "caches");
}

/** `<dataDir>/caches/<ecosystem>/<16 hex of the repository's name>`. */
export function cacheDirectory(dataDir: string, ecosystem: string, repo: string): string {
  const id = createHash("sha256").update(repo).digest("hex").slice(0, 16);
  return path.join(cachesRoot(dataDir), ecosystem, id);
}

function tool(argv: string[], signal?: AbortSignal): Promise<unknown> {
  return run(argv[0]!, argv.slice(1), {
    timeout: toolTimeoutMs,
    signal,
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
  });
}

export interface MountedCaches {
  /** Variables for the setup commands (paths as the sandbox sees them: the worktree's own path). */
  env: Record<string, string>;
  ecosystems: string[];
  /** Why caches were left out, for the plan's notes. */
  notes: string[];
}

export interface CacheRequest {
  dataDir: string;
  repo: string;
  worktree: string;
  ecosystems: readonly string[];
  signal?: AbortSignal;
}

/**
 * Mount the caches of `ecosystems` into the worktree. Never fails a setup: when the folder is taken
 * (the repository has one) or a mount fails, the setup runs without caches and a note says why.
 */
export async function mountDownloadCaches(request: CacheRequest): Promise<MountedCaches> {
  const ecosystems = request.ecosystems.filter((name) => cacheVariables[name]);
  const none = (note?: string): MountedCaches => ({ env: {}, ecosystems: [], notes: note ? [note] : [] });
  if (ecosystems.length === 0) return none();
  if (process.getuid?.() !== 0) return none("download caches are not shared: bind mounts need root");
  // The worktree holds the repository's files: its own entry (or a link) at the name is never used.
  if ((await entryKindInside(request.worktree, cacheFolder)) !== "missing")
    return none(`download caches are not shared: the repository has ${cacheFolder}`);
  const folder = path.join(request.worktree, cacheFolder);
  const env: Record<string, string> = {};
  try {
    await mkdir(folder, { mode: 0o755 });
    for (const ecosystem of ecosystems) {
      const source = cacheDirectory(request.dataDir, ecosystem, request.repo);
      await mkdir(source, { recursive: true, mode: 0o700 });
      const target = path.join(folder, ecosystem);
      await mkdir(target);
      if ((await realpath(target)) !== path.join(await realpath(request.worktree), cacheFolder, ecosystem))
        throw new Error(`${cacheFolder}/${ecosystem} leads out of the worktree`);
      await tool(["mount", "--bind", source, target], request.signal);
      await tool(["mount", "-o", "remount,bind,nosuid,nodev", target], request.signal);
      Object.assign(env, cacheVariables[ecosystem]!(target));
    }
  } catch (error) {
    await unmountDownloadCaches(request.worktree);
    return none(`download caches are not shared: ${(error as Error).message.split("\n")[0]}`);
  }
  return { env, ecosystems, notes: [] };
}

/** A bind mount's root (its source inside its file system) that is a download cache directory. */
const cacheRoot = new RegExp(`/caches/(${Object.keys(cacheVariables).join("|")})/[0-9a-f]{16}$`);

/**
 * Unmount the caches of `worktree` (lazily when busy) and remove their folder; safe when none.
 * Setup's commands may have renamed the folder away (its mounts go with it, found by their cache
 * root anywhere under the worktree) and put a link at its name: nothing under where it leads is touched.
 */
export async function unmountDownloadCaches(worktree: string): Promise<number> {
  const folder = path.join(worktree, cacheFolder);
  const ownFolder = (await entryKindInside(worktree, cacheFolder)) === "directory";
  const moved = mountsUnder(worktree)
    .filter((mount) => cacheRoot.test(mount.root))
    .map((mount) => mount.mountPoint);
  const mounts = [...new Set([...moved, ...(ownFolder ? mountPointsUnder(folder) : [])])].sort(
    (a, b) => b.length - a.length,
  );
  for (const mountPoint of mounts) {
    try {
      await tool(["umount", mountPoint]);
    } catch {
      await tool(["umount", "--lazy", mountPoint]);
    }
  }
  // Only empty mount points are left: rmdir each, never a recursive removal that could reach a cache.
  if (ownFolder) {
    for (const ecosystem of cachedEcosystems)
      await rmdir(path.join(folder, ecosystem)).catch(() => undefined);
    await rmdir(folder).catch(() => undefined);
  }
  return mounts.length;
}

/** Remove every download cache (`slipway cache prune --all`). */
export async function removeDownloadCaches(dataDir: string): Promise<void> {
  await rm(cachesRoot(dataDir), { recursive: true, force: true });
}

/** The disk the download caches take, in bytes (0 when there are none). */
export async function downloadCacheBytes(dataDir: string): Promise<number> {
  try {
    const { stdout } = await run("du", ["-s", "-B1", "--", cachesRoot(dataDir)], { timeout: 10 * 60_000 });
    return Number.parseInt(stdout, 10) || 0;
  } catch {
    // No caches directory: nothing cached.
    return 0;
  }
}
