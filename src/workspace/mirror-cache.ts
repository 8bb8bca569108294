// The bare mirror cache: one mirror per repository, cloned once (atomically) and fetched before each run.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import { GitCommandError, runGit } from "./git.ts";
import { withFileLock } from "./mirror-lock.ts";

/** Refs Slipway creates in a mirror; the source never overwrites them and `fetch --prune` never deletes them. */
export const slipwayBranchPattern = "refs/heads/slipway/*";

/** Clones and fetches of big repositories take a while; this bounds them. */
const transferTimeoutMs = 30 * 60_000;

export interface MirrorOptions {
  /** How long to wait for another run using the same mirror (default 10 minutes). */
  lockTimeoutMs?: number;
}

/** A readable, collision-free directory name for `source`: `<last-segment>-<hash>.git`. */
export function mirrorName(source: string): string {
  const lastSegment =
    source
      .replace(/[/\\:]+$/, "")
      .split(/[/\\:]/)
      .pop() ?? "";
  const slug =
    lastSegment
      .replace(/\.git$/i, "")
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[.-]+|[.-]+$/g, "")
      .slice(0, 40) || "repo";
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 12);
  return `${slug}-${hash}.git`;
}

/** Where the mirror of `source` lives under `dataDir`. */
export function mirrorPathFor(source: string, dataDir: string): string {
  return path.join(path.resolve(dataDir), "mirrors", mirrorName(source));
}

async function removeLeftoverClones(mirrorPath: string): Promise<void> {
  // Called under the mirror's lock, so any temp clone of this mirror belongs to a crashed process.
  const prefix = `${path.basename(mirrorPath)}.tmp-`;
  const parent = path.dirname(mirrorPath);
  for (const entry of await readdir(parent)) {
    if (entry.startsWith(prefix)) await rm(path.join(parent, entry), { recursive: true, force: true });
  }
}

async function cloneMirror(source: string, mirrorPath: string, signal?: AbortSignal): Promise<void> {
  await removeLeftoverClones(mirrorPath);
  const temporary = `${mirrorPath}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    // --template= : no sample hooks copied in; they could never run anyway.
    await runGit(["clone", "--mirror", "--quiet", "--template=", "--", source, temporary], {
      signal,
      timeoutMs: transferTimeoutMs,
    });
    // Keep Slipway's branches out of the source's reach: not fetched over, never pruned.
    await runGit(["config", "--add", "remote.origin.fetch", `^${slipwayBranchPattern}`], {
      gitDir: temporary,
      signal,
    });
    await rename(temporary, mirrorPath);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (!(error instanceof GitCommandError)) throw error;
    throw new WorkspaceError(`cannot mirror ${source}: ${error.message}`, {
      details: { source },
      cause: error,
    });
  }
}

async function fetchMirror(source: string, mirrorPath: string, signal?: AbortSignal): Promise<void> {
  try {
    await runGit(["fetch", "--prune", "--quiet", "--no-recurse-submodules", "origin"], {
      gitDir: mirrorPath,
      signal,
      timeoutMs: transferTimeoutMs,
    });
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    throw new WorkspaceError(
      `cannot update the mirror of ${source} (${error.message}); if ${mirrorPath} is damaged, delete it and retry`,
      { details: { source, mirrorPath }, cause: error },
    );
  }
}

/** Parse `git ls-remote --symref origin HEAD`: the branch the source's HEAD names, or its commit. */
export function parseRemoteHead(output: string): { branch?: string; commit?: string } {
  const symref = /^ref: (refs\/heads\/\S+)\tHEAD$/m.exec(output)?.[1];
  const commit = /^([0-9a-f]{40,64})\tHEAD$/m.exec(output)?.[1];
  return { branch: symref, commit };
}

/** True when `object` (a ref, a sha, `<rev>^{commit}`) names something in the mirror. */
export async function hasObject(mirrorPath: string, object: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", object], {
      gitDir: mirrorPath,
      signal,
    });
    return true;
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) return false;
    throw error;
  }
}

/**
 * Point the mirror's HEAD where the source's HEAD is now, so `--base HEAD` means the branch (or
 * commit) the source has checked out today, not on the day the mirror was cloned.
 */
async function followSourceHead(mirrorPath: string, signal?: AbortSignal): Promise<void> {
  const { stdout } = await runGit(["ls-remote", "--symref", "origin", "HEAD"], {
    gitDir: mirrorPath,
    signal,
  });
  const { branch, commit } = parseRemoteHead(stdout);
  if (branch && (await hasObject(mirrorPath, branch, signal))) {
    await runGit(["symbolic-ref", "HEAD", branch], { gitDir: mirrorPath, signal });
  } else if (commit && (await hasObject(mirrorPath, `${commit}^{commit}`, signal))) {
    await runGit(["update-ref", "--no-deref", "HEAD", commit], { gitDir: mirrorPath, signal });
  }
}

/**
 * Make sure `<dataDir>/mirrors/<name>.git` is an up-to-date bare mirror of `source` (a URL or an
 * absolute local path): cloned the first time (into a temp name, renamed when complete), fetched with
 * pruning afterwards. Runs on one mirror are serialized by a lock file.
 */
export async function ensureMirror(
  source: string,
  dataDir: string,
  signal?: AbortSignal,
  options: MirrorOptions = {},
): Promise<{ mirrorPath: string }> {
  const mirrorPath = mirrorPathFor(source, dataDir);
  await mkdir(path.dirname(mirrorPath), { recursive: true });
  const lockPath = mirrorPath.replace(/\.git$/, ".lock");
  await withFileLock(
    lockPath,
    async () => {
      if (existsSync(mirrorPath)) await fetchMirror(source, mirrorPath, signal);
      else await cloneMirror(source, mirrorPath, signal);
      await followSourceHead(mirrorPath, signal);
    },
    { timeoutMs: options.lockTimeoutMs, signal },
  );
  return { mirrorPath };
}
