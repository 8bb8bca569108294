// Worktrees of a mirror: one per run on branch `slipway/<short-task-id>` at the base commit, removed after.
import { existsSync } from "node:fs";
import { chmod, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { InputError, WorkspaceError } from "../core/errors.ts";
import { GitCommandError, runGit } from "./git.ts";
import { withMirrorLock } from "./mirror-lock.ts";
import { findWorktreeAdminDir } from "./worktree-admin.ts";

export { type CommitRequest, changedFiles, commitAll, type GitIdentity } from "./worktree-commit.ts";

/** How many existing branches an unknown-ref error lists. */
const branchesShown = 5;

async function resolveCommit(
  mirrorPath: string,
  ref: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const { stdout } = await runGit(
      ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`],
      {
        gitDir: mirrorPath,
        signal,
      },
    );
    return stdout.trim();
  } catch (error) {
    // Exit 1 with --quiet means "no such commit"; anything else is a broken mirror and must surface.
    if (error instanceof GitCommandError && error.exitCode === 1) return undefined;
    throw error;
  }
}

async function someBranches(mirrorPath: string, signal?: AbortSignal): Promise<string[]> {
  const { stdout } = await runGit(
    ["for-each-ref", "--count=100", "--sort=-committerdate", "--format=%(refname:short)", "refs/heads/"],
    { gitDir: mirrorPath, signal },
  );
  return stdout
    .split("\n")
    .filter((name) => name.length > 0 && !name.startsWith("slipway/"))
    .slice(0, branchesShown);
}

async function unknownRefError(mirrorPath: string, ref: string, signal?: AbortSignal): Promise<InputError> {
  const { stdout } = await runGit(["config", "--default", mirrorPath, "--get", "remote.origin.url"], {
    gitDir: mirrorPath,
    signal,
  });
  const repo = stdout.trim();
  const branches = await someBranches(mirrorPath, signal);
  const known = branches.length > 0 ? `branches there include ${branches.join(", ")}` : "it has no branches";
  return new InputError(`base ref "${ref}" was not found in ${repo}; ${known}`, {
    code: "ref_unknown",
    details: { ref, repo, branches },
  });
}

/**
 * The commit `ref` (a branch, tag, sha or `HEAD`; `origin/<branch>` is read as `<branch>`) names in the
 * mirror. Throws InputError `ref_unknown` naming the ref, the repository and a few existing branches.
 */
export async function resolveBaseRef(mirrorPath: string, ref: string, signal?: AbortSignal): Promise<string> {
  const wanted = ref.trim() || "HEAD";
  const candidates = wanted.startsWith("origin/") ? [wanted, `refs/heads/${wanted.slice(7)}`] : [wanted];
  for (const candidate of candidates) {
    const commit = await resolveCommit(mirrorPath, candidate, signal);
    if (commit) return commit;
  }
  throw await unknownRefError(mirrorPath, wanted, signal);
}

export interface CreateWorktreeRequest {
  mirrorPath: string;
  /** Branch, tag, sha or `HEAD`. */
  baseRef: string;
  /** The run's branch, e.g. `slipway/abc12345`; reset to the base when it exists already. */
  branch: string;
  worktreePath: string;
  signal?: AbortSignal;
}

/**
 * Add a fresh worktree at `worktreePath` with `branch` (re)set to the base commit. Nothing is left
 * behind when the ref is unknown or the checkout fails.
 */
/** The task's branch is checked out by another worktree: another run of the same task is at work. */
export class BranchInUseError extends WorkspaceError {
  readonly branch: string;
  constructor(branch: string, cause: unknown) {
    super(`branch ${branch} is checked out by another run of the same task`, { details: { branch }, cause });
    this.name = "BranchInUseError";
    this.branch = branch;
  }
}

async function checkBranchName(mirrorPath: string, branch: string, signal?: AbortSignal): Promise<void> {
  try {
    await runGit(["check-ref-format", "--branch", branch], { gitDir: mirrorPath, signal });
  } catch (error) {
    throw new InputError(`"${branch}" is not a valid branch name`, { details: { branch }, cause: error });
  }
}

/** A full commit id (what a run's resolved base is): `worktree add` is left to check it, saving two git spawns. */
const fullObjectId = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export async function createWorktree(request: CreateWorktreeRequest): Promise<{ baseCommit: string }> {
  const { mirrorPath, branch, worktreePath, signal } = request;
  const resolved = fullObjectId.test(request.baseRef);
  const baseCommit = resolved ? request.baseRef : await resolveBaseRef(mirrorPath, request.baseRef, signal);
  if (!resolved) await checkBranchName(mirrorPath, branch, signal);
  if (existsSync(worktreePath)) {
    // Never reuse or clean up a directory this call did not create.
    throw new WorkspaceError(`${worktreePath} already exists; remove it or choose another worktree path`, {
      details: { worktreePath },
    });
  }
  await mkdir(path.dirname(path.resolve(worktreePath)), { recursive: true });
  try {
    // Under the mirror's lock: a fetch meanwhile would read this worktree's half-written HEAD.
    await withMirrorLock(
      mirrorPath,
      async () => {
        try {
          await runGit(
            [
              "worktree",
              "add",
              "--quiet",
              "--no-track",
              "-B",
              branch,
              path.resolve(worktreePath),
              baseCommit,
            ],
            { gitDir: mirrorPath, signal },
          );
        } catch (error) {
          await removeRegistered(mirrorPath, worktreePath).catch(() => undefined);
          throw error;
        }
      },
      { signal },
    );
  } catch (error) {
    // The lock's own errors (a bounded wait that ran out, a cancel) say what happened already.
    if (error instanceof WorkspaceError && !(error instanceof GitCommandError)) throw error;
    // git's own lock on a branch: another worktree (another run of the same task) has it checked out.
    if (/is already (checked out|used by worktree) at/.test((error as Error).message)) {
      throw new BranchInUseError(branch, error);
    }
    // A full id that names no commit here, or a bad branch name: the same errors as the checks before.
    if (resolved) {
      await resolveBaseRef(mirrorPath, baseCommit, signal);
      await checkBranchName(mirrorPath, branch, signal);
    }
    throw new WorkspaceError(`cannot create the worktree ${worktreePath}: ${(error as Error).message}`, {
      details: { mirrorPath, worktreePath, branch, baseCommit },
      cause: error,
    });
  }
  return { baseCommit };
}

/** Make every directory under `root` writable again, so a tree the agent locked down can be deleted. */
async function makeWritable(root: string): Promise<void> {
  await chmod(root, 0o700).catch(() => undefined);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await makeWritable(path.join(root, entry.name));
  }
}

async function removeTree(target: string): Promise<void> {
  try {
    await rm(target, { recursive: true, force: true });
  } catch {
    // EACCES inside a read-only directory: open it up and try once more (errors now surface).
    await makeWritable(target);
    await rm(target, { recursive: true, force: true });
  }
}

/**
 * Remove the worktree at `worktreePath` from the mirror: its directory, its admin directory, then a
 * prune. Idempotent; works when the directory is already gone. A directory the mirror does not know
 * as its worktree is left alone.
 */
export async function removeWorktree(
  mirrorPath: string,
  worktreePath: string,
  signal?: AbortSignal,
): Promise<void> {
  // The checkout itself (maybe big) is deleted outside the lock; the admin directory a fetch reads, under it.
  if (await findWorktreeAdminDir(mirrorPath, worktreePath)) await removeTree(worktreePath);
  if (!existsSync(mirrorPath)) return;
  await withMirrorLock(mirrorPath, () => removeRegistered(mirrorPath, worktreePath, signal), { signal });
}

/** Delete the worktree (if the mirror knows it) and its admin directory, then prune; the caller holds the lock. */
async function removeRegistered(
  mirrorPath: string,
  worktreePath: string,
  signal?: AbortSignal,
): Promise<void> {
  const adminDir = await findWorktreeAdminDir(mirrorPath, worktreePath);
  if (adminDir) {
    await removeTree(worktreePath);
    await removeTree(adminDir);
  }
  try {
    await runGit(["worktree", "prune"], { gitDir: mirrorPath, signal });
  } catch (error) {
    // A mirror that no longer exists has nothing left to prune.
    if (!(error instanceof GitCommandError && /not a git repository/.test(error.stderr))) throw error;
  }
}
