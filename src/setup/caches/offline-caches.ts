// What setup downloaded for Cargo, Go, Maven and Gradle, shown to the agent and the gate (which have
// no network): each ecosystem's download cache (<dataDir>/caches/<ecosystem>/<repo id>) as the lower
// layer of an overlay at `<worktree>/.slipway-deps/<ecosystem>`, with an empty private upper layer
// beside the worktree (`<worktree>.layers`, the run's volume). The tools write there (cargo's lock
// file, Maven's resolver notes), and so can a hostile agent: nothing written through the overlay
// reaches the cache the next run's setup and checks read. The overlays are gone before the worktree
// is frozen (nothing of a cache can be committed) and are made again for the gate's checks.
import { execFile } from "node:child_process";
import { chmod, chown, mkdir, readdir, realpath, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { ExecRequest, Sandbox } from "../../sandbox/sandbox.ts";
import { entryKindInside } from "../../workspace/safe-fs.ts";
import {
  dependencyMounts,
  layersPath,
  mountPointsUnder,
  mountSource,
  overlayProblem,
} from "../snapshots/dependency-mounts.ts";
import { cacheDirectory, cachesRoot } from "./download-caches.ts";

const run = promisify(execFile);
const toolTimeoutMs = 30_000;

/** The worktree folder holding the overlays; a repository's own entry there means none are made. */
export const offlineFolder = ".slipway-deps";

/**
 * The variables that point each tool at its cache (paths inside: the worktree's own path) and keep
 * it from the network. Go's -mod stays readonly: a check must not rewrite go.mod or go.sum. Maven
 * reads MAVEN_ARGS from 3.9 on (older ones ignore it; the sandbox has no network anyway). Gradle
 * has no variable for --offline: it finds what GRADLE_USER_HOME holds and fails on what it lacks.
 */
const offlineVariables: Record<string, (dir: string) => Record<string, string>> = {
  rust: (dir) => ({ CARGO_HOME: dir, CARGO_NET_OFFLINE: "true" }),
  go: (dir) => ({ GOMODCACHE: `${dir}/mod`, GOPROXY: "off", GOSUMDB: "off" }),
  java: (dir) => ({
    MAVEN_OPTS: `-Dmaven.repo.local=${dir}/m2`,
    MAVEN_ARGS: "--offline",
    GRADLE_USER_HOME: `${dir}/gradle`,
  }),
};

const ignoreEverything = "# Slipway: setup's downloads, shown to this run only and never committed\n*\n";

export const offlineEcosystems = Object.keys(offlineVariables);

export interface OfflineCaches {
  /** Variables for every command of the agent and the gate. */
  env: Record<string, string>;
  ecosystems: string[];
  /** Why caches were left out. */
  notes: string[];
  /** With `outside`: each overlay's mount point beside the worktree, for the container to bind. */
  binds: { name: string; source: string }[];
}

function tool(argv: string[], signal?: AbortSignal): Promise<unknown> {
  return run(argv[0]!, argv.slice(1), {
    timeout: toolTimeoutMs,
    signal,
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
  });
}

async function nonEmptyDirectory(directory: string): Promise<boolean> {
  try {
    return (await stat(directory)).isDirectory() && (await readdir(directory)).length > 0;
  } catch {
    return false;
  }
}

/**
 * Mount `lower` copy-on-write at `<worktree>/.slipway-deps/<ecosystem>` (made here, checked not to
 * lead out of `worktree`), or, with `outside`, at a directory of the layers beside the worktree (for
 * a docker container to bind; the worktree keeps an empty directory there). Returns the mount point.
 */
async function mountOverlay(
  worktree: string,
  ecosystem: string,
  lower: string,
  outside: boolean,
  signal?: AbortSignal,
): Promise<string> {
  const layers = path.join(layersPath(worktree), `offline-${ecosystem}`);
  if (/[,:\\\n]/.test(lower) || /[,:\\\n]/.test(layers)) throw new Error(`${lower} cannot be named to mount`);
  const upper = path.join(layers, "upper");
  const work = path.join(layers, "work");
  await rm(layers, { recursive: true, force: true });
  await mkdir(upper, { recursive: true, mode: 0o700 });
  await mkdir(work, { recursive: true, mode: 0o700 });
  // The merged directory's owner and mode are the upper's: make them the cache's.
  const lowerStat = await stat(lower);
  await chown(upper, lowerStat.uid, lowerStat.gid);
  // A container's agent runs as a uid of its own (worktree-owner), not the cache's owner (setup
  // made its root 0700): it may read and search the root, never write it.
  await chmod(upper, (lowerStat.mode & 0o7777) | (outside ? 0o555 : 0));
  const relative = path.join(offlineFolder, ecosystem);
  const target = path.join(worktree, relative);
  await mkdir(target);
  // Nothing of the run runs now (the agent's processes were ended): no link can be swapped in after this.
  if ((await realpath(target)) !== path.join(await realpath(worktree), relative))
    throw new Error(`${relative} leads out of the worktree through a link`);
  const mountPoint = outside ? path.join(layers, "merged") : target;
  if (outside) await mkdir(mountPoint, { mode: 0o700 });
  const options = `nosuid,nodev,lowerdir=${lower},upperdir=${upper},workdir=${work}`;
  await tool(["mount", "-t", "overlay", mountSource, "-o", options, mountPoint], signal);
  return mountPoint;
}

/**
 * Mount the download caches of `repo` that hold anything. Never fails the run: without overlays
 * (not root, no overlayfs) or with the folder taken, nothing is mounted and a note says why.
 */
export async function mountOfflineCaches(request: {
  dataDir: string;
  repo: string;
  worktree: string;
  /** Mount beside the worktree, not in it (docker: the container binds them at its creation). */
  outside?: boolean;
  signal?: AbortSignal;
}): Promise<OfflineCaches> {
  const none = (note?: string): OfflineCaches => ({
    env: {},
    ecosystems: [],
    notes: note ? [note] : [],
    binds: [],
  });
  const present: string[] = [];
  for (const ecosystem of offlineEcosystems) {
    if (await nonEmptyDirectory(cacheDirectory(request.dataDir, ecosystem, request.repo)))
      present.push(ecosystem);
  }
  if (present.length === 0) return none();
  const problem = overlayProblem();
  if (problem) return none(`setup's downloads are not shown offline: ${problem}`);
  if ((await entryKindInside(request.worktree, offlineFolder)) !== "missing")
    return none(`setup's downloads are not shown offline: the repository has ${offlineFolder}`);
  const env: Record<string, string> = {};
  const binds: OfflineCaches["binds"] = [];
  try {
    await mkdir(path.join(request.worktree, offlineFolder), { mode: 0o755 });
    // git status (the agent's, the fast checks' changed files) would list every file of a cache.
    await writeFile(path.join(request.worktree, offlineFolder, ".gitignore"), ignoreEverything);
    for (const ecosystem of present) {
      const lower = await realpath(cacheDirectory(request.dataDir, ecosystem, request.repo));
      const source = await mountOverlay(
        request.worktree,
        ecosystem,
        lower,
        !!request.outside,
        request.signal,
      );
      if (request.outside) binds.push({ name: ecosystem, source });
      Object.assign(env, offlineVariables[ecosystem]!(path.join(request.worktree, offlineFolder, ecosystem)));
    }
  } catch (error) {
    await releaseOfflineCaches(request.worktree, request.dataDir);
    return none(`setup's downloads are not shown offline: ${(error as Error).message.split("\n")[0]}`);
  }
  return { env, ecosystems: present, notes: [], binds };
}

/**
 * Unmount every overlay under `worktree` whose lower layer is a download cache of `dataDir`,
 * wherever the agent may have moved it, then remove the folder and the upper layers. Safe when
 * nothing is mounted; returns how many mounts went.
 */
export async function releaseOfflineCaches(worktree: string, dataDir: string): Promise<number> {
  const caches = await realpath(cachesRoot(dataDir)).catch(() => cachesRoot(dataDir));
  const real = await realpath(worktree).catch(() => worktree);
  // Docker's overlays are mounted beside the worktree, in its layers (see mountOverlay).
  const layers = layersPath(worktree);
  const moved = dependencyMounts()
    .filter((mount) => mount.lower.startsWith(`${caches}/`))
    .map((mount) => mount.mountPoint)
    .filter((point) => [worktree, real, layers].some((base) => point.startsWith(`${base}/`)));
  const folder = path.join(worktree, offlineFolder);
  // The agent may have renamed the folder away (its mounts went with it: `moved` finds them) and put
  // a link at its name: the mounts under where a link leads are the host's, never looked at.
  const ownFolder = async () => (await entryKindInside(worktree, offlineFolder)) === "directory";
  const underFolder = (await ownFolder()) ? mountPointsUnder(folder) : [];
  const mounts = [...new Set([...moved, ...underFolder])].sort((a, b) => b.length - a.length);
  for (const mountPoint of mounts) {
    try {
      await tool(["umount", mountPoint]);
    } catch {
      // Busy: detach it now; the kernel frees it when the last user goes.
      await tool(["umount", "--lazy", mountPoint]);
    }
  }
  // Only the empty mount points and the folder go (rmdir): a repository's or the agent's own files
  // there stay, and a removal never recurses into anything that could still be a cache.
  if ((await ownFolder()) && mountPointsUnder(folder).length === 0) {
    for (const ecosystem of offlineEcosystems)
      await rmdir(path.join(folder, ecosystem)).catch(() => undefined);
    // A link at the name is removed, never followed.
    await rm(path.join(folder, ".gitignore"), { force: true });
    await rmdir(folder).catch(() => undefined);
  }
  for (const ecosystem of offlineEcosystems)
    await rm(path.join(layersPath(worktree), `offline-${ecosystem}`), { recursive: true, force: true });
  return mounts.length;
}

/** `sandbox` with `env` under every command's own environment (a check's own variables win). */
export function withOfflineEnv(sandbox: Sandbox, env: Record<string, string>): Sandbox {
  if (Object.keys(env).length === 0) return sandbox;
  return {
    backend: sandbox.backend,
    worktree: sandbox.worktree,
    exec: (request: ExecRequest) => sandbox.exec({ ...request, env: { ...env, ...request.env } }),
    killAll: () => sandbox.killAll(),
    dispose: () => sandbox.dispose(),
  };
}
