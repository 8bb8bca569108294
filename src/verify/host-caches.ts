// The invoking user's dependency caches (Go's module cache, Cargo's registry, Maven's repository,
// Gradle's caches) shown to `slipway verify --repo DIR`'s checks, which run with no network and an
// empty $HOME: each cache directory alone — never ~/.m2/settings.xml, ~/.cargo/credentials*,
// ~/.gradle/gradle.properties or ~/.netrc — as the read-only lower layer of an overlay at
// `DIR/.slipway-deps/<name>`, with a private upper layer in a temporary directory outside DIR. The
// tools write there (Cargo's and Gradle's lock files, Go's lookups), and so could a hostile
// repository: nothing reaches the user's cache. Mounted and released around the checks.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, lstat, mkdir, mkdtemp, realpath, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { mountPointsUnder, mountSource, overlayProblem } from "../setup/snapshots/dependency-mounts.ts";
import { entryKindInside } from "../workspace/safe-fs.ts";

const run = promisify(execFile);
const toolTimeoutMs = 30_000;

/** The folder in the verified directory that holds the mounts while the checks run. */
export const hostCachesFolder = ".slipway-deps";

/** Where the user's tools keep their caches: the home directory and the environment. */
export interface HostCacheLocations {
  home: string;
  env: NodeJS.ProcessEnv;
}

/** One cache directory of the user's, and where it appears under the folder. */
export interface HostCache {
  ecosystem: "go" | "rust" | "maven" | "gradle";
  source: string;
  /** Relative to the folder. */
  target: string;
}

export interface MountedHostCaches {
  /** Variables for every check: each tool pointed at its cache, and kept offline. */
  env: Record<string, string>;
  caches: HostCache[];
  /** Why caches were left out. */
  notes: string[];
  /** Unmount, remove the folder and the upper layers; safe to call twice. */
  release: () => Promise<void>;
}

/**
 * The variables per ecosystem (`dir` is the folder's path). Go keeps -mod=readonly (its default):
 * a check must not rewrite go.mod or go.sum. Maven reads MAVEN_ARGS from 3.9 on. Gradle has no
 * variable for --offline: with no network it uses what its caches hold.
 */
const variables: Record<HostCache["ecosystem"], (dir: string) => Record<string, string>> = {
  go: (dir) => ({ GOMODCACHE: `${dir}/go-mod`, GOPROXY: "off", GOSUMDB: "off" }),
  rust: (dir) => ({ CARGO_HOME: `${dir}/cargo`, CARGO_NET_OFFLINE: "true" }),
  maven: (dir) => ({ MAVEN_OPTS: `-Dmaven.repo.local=${dir}/m2-repository`, MAVEN_ARGS: "--offline" }),
  gradle: (dir) => ({ GRADLE_USER_HOME: `${dir}/gradle` }),
};

async function realDirectory(candidate: string | undefined): Promise<string | undefined> {
  if (!candidate || !path.isAbsolute(candidate)) return undefined;
  try {
    const real = await realpath(candidate);
    return (await stat(real)).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** The cache directories that exist for this user; only those, never their parents. */
export async function hostCaches(where: HostCacheLocations): Promise<HostCache[]> {
  const { home, env } = where;
  const gopath = (env.GOPATH || path.join(home, "go")).split(":")[0];
  const cargoHome = env.CARGO_HOME || path.join(home, ".cargo");
  const gradleHome = env.GRADLE_USER_HOME || path.join(home, ".gradle");
  const candidates: [HostCache["ecosystem"], string | undefined, string][] = [
    ["go", env.GOMODCACHE || (gopath ? path.join(gopath, "pkg/mod") : undefined), "go-mod"],
    ["rust", path.join(cargoHome, "registry"), "cargo/registry"],
    ["rust", path.join(cargoHome, "git"), "cargo/git"],
    ["maven", path.join(home, ".m2/repository"), "m2-repository"],
    ["gradle", path.join(gradleHome, "caches"), "gradle/caches"],
    ["gradle", path.join(gradleHome, "wrapper/dists"), "gradle/wrapper/dists"],
  ];
  const found: HostCache[] = [];
  for (const [ecosystem, candidate, target] of candidates) {
    const source = await realDirectory(candidate);
    if (source) found.push({ ecosystem, source, target });
  }
  return found;
}

function tool(argv: string[]): Promise<unknown> {
  return run(argv[0]!, argv.slice(1), {
    timeout: toolTimeoutMs,
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" },
  });
}

/** Mount `cache.source` copy-on-write at `folder/cache.target`, its layers under `layers`. */
async function mountCache(directory: string, cache: HostCache, layers: string): Promise<void> {
  const own = path.join(layers, cache.target.replaceAll("/", "-"));
  const upper = path.join(own, "upper");
  const work = path.join(own, "work");
  if ([cache.source, upper, work].some((name) => /[,:\\\n]/.test(name)))
    throw new Error(`${cache.source} cannot be named to mount`);
  await mkdir(upper, { recursive: true, mode: 0o700 });
  await mkdir(work, { recursive: true, mode: 0o700 });
  // The merged directory's owner and mode are the upper's: make them the cache's.
  const lowerStat = await stat(cache.source);
  await chown(upper, lowerStat.uid, lowerStat.gid);
  await chmod(upper, lowerStat.mode & 0o7777);
  const relative = path.join(hostCachesFolder, cache.target);
  const target = path.join(directory, relative);
  await mkdir(target, { recursive: true });
  // The repository's files could hold a link: the mount point must be where it is named.
  if ((await realpath(target)) !== path.join(directory, relative))
    throw new Error(`${relative} leads out of the directory through a link`);
  const metacopy = existsSync("/sys/module/overlay/parameters/metacopy")
    ? "redirect_dir=on,metacopy=on,"
    : "";
  const options = `${metacopy}nosuid,nodev,lowerdir=${cache.source},upperdir=${upper},workdir=${work}`;
  await tool(["mount", "-t", "overlay", mountSource, "-o", options, target]);
}

/** A mount point as /proc/self/mountinfo writes it: space, tab, newline and backslash as octal. */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * The mount points of this verification's overlays, found by their upper layers (in `layers`, made
 * for this call alone), wherever a check moved them, deepest first. Never found by a path in the
 * verified directory: a check can rename the folder and leave a link to a host directory there.
 */
function ownMounts(layers: string): string[] {
  let table = "";
  try {
    table = readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  const points: string[] = [];
  for (const line of table.split("\n")) {
    const [own, rest] = line.split(" - ");
    const [fsType, source, options = ""] = (rest ?? "").split(" ");
    if (fsType !== "overlay" || source !== mountSource || !options.includes(`upperdir=${layers}/`)) continue;
    points.push(unescapeMountPath(own?.split(" ")[4] ?? ""));
  }
  return points.filter((point) => point !== "").sort((a, b) => b.length - a.length);
}

/** Unmount this call's overlays, then remove the folder (only a real directory with no mount left). */
async function releaseFolder(folder: string, layers: string): Promise<void> {
  for (const mountPoint of ownMounts(layers)) {
    try {
      await tool(["umount", mountPoint]);
    } catch {
      // Busy: detach it now; the kernel frees it when the last user goes.
      await tool(["umount", "--lazy", mountPoint]).catch(() => undefined);
    }
  }
  // A link at the folder's name is left alone (a check made it); a removal never recurses into a
  // user's cache: the folder goes only when no mount is left under it.
  const kind = await lstat(folder).catch(() => undefined);
  if (kind?.isDirectory() && mountPointsUnder(folder).length === 0)
    await rm(folder, { recursive: true, force: true });
  if (ownMounts(layers).length === 0) await rm(layers, { recursive: true, force: true });
}

/**
 * Mount the user's caches into `directory` (an absolute real path). Never fails the verification:
 * without overlays (not root, no overlayfs) or with the folder taken, nothing is mounted and a
 * note says why.
 */
export async function mountHostCaches(
  directory: string,
  where: HostCacheLocations,
): Promise<MountedHostCaches> {
  const nothing = (note?: string): MountedHostCaches => ({
    env: {},
    caches: [],
    notes: note ? [note] : [],
    release: async () => undefined,
  });
  const caches = await hostCaches(where);
  if (caches.length === 0) return nothing();
  const problem = overlayProblem();
  if (problem) return nothing(`your dependency caches are not shown to the checks: ${problem}`);
  if ((await entryKindInside(directory, hostCachesFolder)) !== "missing")
    return nothing(
      `your dependency caches are not shown to the checks: the directory has ${hostCachesFolder}`,
    );
  const folder = path.join(directory, hostCachesFolder);
  // Real: the mount table lists upper layers as the kernel resolved them.
  const layers = await realpath(await mkdtemp(path.join(tmpdir(), "slipway-host-caches-")));
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await releaseFolder(folder, layers);
  };
  try {
    await mkdir(folder, { mode: 0o755 });
    // git status (a fast check's changed files) would list every file of a cache.
    await writeFile(
      path.join(folder, ".gitignore"),
      "# Slipway: your dependency caches, shown to the checks\n*\n",
    );
    const env: Record<string, string> = {};
    for (const cache of caches) {
      await mountCache(directory, cache, layers);
      Object.assign(env, variables[cache.ecosystem](folder));
    }
    const shown = caches.map((cache) => cache.source).join(", ");
    return {
      env,
      caches,
      notes: [`your dependency caches, shown read-only to the checks: ${shown}`],
      release,
    };
  } catch (error) {
    await release();
    return nothing(
      `your dependency caches are not shown to the checks: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}
