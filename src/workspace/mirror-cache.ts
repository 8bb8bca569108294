// The bare mirror cache: one mirror per repository, cloned once (atomically) and fetched before each run.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import { GitCommandError, runGit } from "./git.ts";
import { secureMirrorConfig } from "./mirror-config.ts";
import { type ListedRefs, mirrorHoldsListing } from "./mirror-current.ts";
import { mirrorLockPath, withFileLock } from "./mirror-lock.ts";
import { mirrorPathFor } from "./mirror-name.ts";

export { mirrorFetchRefspecs, slipwayBranchPattern } from "./mirror-config.ts";
export { mirrorName, mirrorPathFor } from "./mirror-name.ts";

/** Clones and fetches of big repositories take a while; this bounds them. */
const transferTimeoutMs = 30 * 60_000;

/**
 * Never an upload-pack command a config names: the source's side of a fetch is plain git-upload-pack.
 * (The option, not `-c remote.origin.uploadpack=…`: that only adds a second value after the file's.)
 */
const uploadPack = "--upload-pack=git-upload-pack";

export interface MirrorOptions {
  /** How long to wait for another run using the same mirror (default 10 minutes). */
  lockTimeoutMs?: number;
  /**
   * The source's refs as intake listed them moments ago: when the mirror holds exactly these, the
   * fetch is skipped (the run starts from what that listing saw, as it would had the fetch run then).
   */
  listedRefs?: ListedRefs;
}

async function removeLeftoverClones(mirrorPath: string): Promise<void> {
  // Called under the mirror's lock, so any temp clone of this mirror belongs to a crashed process.
  const prefix = `${path.basename(mirrorPath)}.tmp-`;
  const parent = path.dirname(mirrorPath);
  for (const entry of await readdir(parent)) {
    if (entry.startsWith(prefix)) await rm(path.join(parent, entry), { recursive: true, force: true });
  }
}

async function cloneMirror(source: string, mirrorPath: string, signal?: AbortSignal): Promise<Set<string>> {
  await removeLeftoverClones(mirrorPath);
  const temporary = `${mirrorPath}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    // --bare, not --mirror: branches and tags only, never the source's stash or private refs.
    // --no-local: objects are copied through upload-pack (only what those refs reach), never
    // hard-linked with a local source's object store. --template= : no sample hooks copied in.
    await runGit(
      ["clone", "--bare", "--no-local", "--quiet", "--template=", uploadPack, "--", source, temporary],
      { signal, timeoutMs: transferTimeoutMs },
    );
    await secureMirrorConfig(temporary, source);
    const refs = await fetchMirror(source, temporary, signal);
    await chmod(temporary, 0o700);
    await rename(temporary, mirrorPath);
    return refs;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (!(error instanceof GitCommandError)) throw error;
    throw new WorkspaceError(`cannot mirror ${source}: ${error.message}`, {
      details: { source },
      cause: error,
    });
  }
}

/**
 * Delete refs outside branches, tags and Slipway's own: what a mirror made by `clone --mirror` once
 * copied. Returns the refs kept, so following the source's HEAD needs no second look.
 */
async function removePrivateRefs(mirrorPath: string, signal?: AbortSignal): Promise<Set<string>> {
  const { stdout } = await runGit(["for-each-ref", "--format=%(refname)"], { gitDir: mirrorPath, signal });
  const refs = stdout.split("\n").filter((ref) => ref.length > 0);
  const stray = refs.filter((ref) => !/^refs\/(heads|tags|slipway[^/]*)\//.test(ref));
  if (stray.length > 0) {
    const input = stray.map((ref) => `delete ${ref}\n`).join("");
    await runGit(["update-ref", "--no-deref", "--stdin"], { gitDir: mirrorPath, signal, input });
  }
  return new Set(refs.filter((ref) => !stray.includes(ref)));
}

async function fetchMirror(source: string, mirrorPath: string, signal?: AbortSignal): Promise<Set<string>> {
  try {
    // The config is rewritten from the known source first: nothing a run wrote there is read.
    await secureMirrorConfig(mirrorPath, source);
    await runGit(["fetch", "--prune", "--quiet", "--no-recurse-submodules", uploadPack, "origin"], {
      gitDir: mirrorPath,
      signal,
      timeoutMs: transferTimeoutMs,
    });
    return await removePrivateRefs(mirrorPath, signal);
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
async function followSourceHead(mirrorPath: string, refs: Set<string>, signal?: AbortSignal): Promise<void> {
  const { stdout } = await runGit(["ls-remote", uploadPack, "--symref", "origin", "HEAD"], {
    gitDir: mirrorPath,
    signal,
  });
  const { branch, commit } = parseRemoteHead(stdout);
  if (branch && refs.has(branch)) {
    // Written only when it changes (one git spawn less per run on the usual path).
    const head = await readFile(path.join(mirrorPath, "HEAD"), "utf8").catch(() => "");
    if (head !== `ref: ${branch}\n`)
      await runGit(["symbolic-ref", "HEAD", branch], { gitDir: mirrorPath, signal });
  } else if (commit && (await hasObject(mirrorPath, `${commit}^{commit}`, signal))) {
    await runGit(["update-ref", "--no-deref", "HEAD", commit], { gitDir: mirrorPath, signal });
  }
}

/** Whether the mirror holds `listed` already; its config is rewritten first, as before a fetch. */
async function holdsListing(
  source: string,
  mirrorPath: string,
  listed: ListedRefs,
  signal?: AbortSignal,
): Promise<boolean> {
  await secureMirrorConfig(mirrorPath, source);
  return mirrorHoldsListing(mirrorPath, listed, signal);
}

/**
 * Make sure `<dataDir>/mirrors/<name>.git` is an up-to-date bare mirror of `source` (a URL or an
 * absolute local path): cloned the first time (into a temp name, renamed when complete), fetched with
 * pruning afterwards — or not at all when it holds `options.listedRefs` already. Runs on one mirror are
 * serialized by a lock file.
 */
export async function ensureMirror(
  source: string,
  dataDir: string,
  signal?: AbortSignal,
  options: MirrorOptions = {},
): Promise<{ mirrorPath: string }> {
  const mirrorPath = mirrorPathFor(source, dataDir);
  // Mirrors and the worktrees' admin dirs inside them are the platform's: no other user reads them.
  await mkdir(path.dirname(mirrorPath), { recursive: true, mode: 0o700 });
  await chmod(path.dirname(mirrorPath), 0o700);
  const lockPath = mirrorLockPath(mirrorPath);
  await withFileLock(
    lockPath,
    async () => {
      let refs: Set<string>;
      if (existsSync(mirrorPath)) {
        await chmod(mirrorPath, 0o700);
        if (options.listedRefs && (await holdsListing(source, mirrorPath, options.listedRefs, signal)))
          return;
        refs = await fetchMirror(source, mirrorPath, signal);
      } else refs = await cloneMirror(source, mirrorPath, signal);
      await followSourceHead(mirrorPath, refs, signal);
    },
    // Polled as often as the worktree adds and removes that share the lock, so a fetch is not starved.
    { timeoutMs: options.lockTimeoutMs, signal, pollMs: 50 },
  );
  return { mirrorPath };
}
