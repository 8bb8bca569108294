// What a run changed in its worktree, the tree it is frozen into, and the one commit that records
// it; git reads only the mirror's admin dir.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import { addAllExcept, setAsidePathspec } from "./add-all-except.ts";
import { type RunGitOptions, runGit } from "./git.ts";
import { findGitEntry } from "./git-entries.ts";
import { worktreeGitOptions } from "./worktree-admin.ts";

/** A name and email for a commit's author or committer. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** Parse `git status --porcelain=v1 -z --no-renames`: the paths of every entry, sorted and unique. */
export function parseStatusPaths(output: string): string[] {
  const paths = new Set<string>();
  for (const entry of output.split("\0")) {
    // Each entry is "XY <path>"; the two status letters and the space are fixed width.
    if (entry.length > 3) paths.add(entry.slice(3));
  }
  return [...paths].sort();
}

/**
 * Paths changed in the worktree against its HEAD: modified, added, deleted and untracked files (not
 * ignored ones), relative to the worktree root; nothing under `setAside` (what setup installed).
 */
export async function changedFiles(
  mirrorPath: string,
  worktreePath: string,
  signal?: AbortSignal,
  setAside: readonly string[] = [],
): Promise<string[]> {
  const options = await worktreeGitOptions(mirrorPath, worktreePath);
  const excluded = setAside.map(setAsidePathspec);
  // --ignore-submodules=dirty: git compares submodule commits only and starts no process inside them.
  const { stdout } = await runGit(
    [
      "status",
      "--porcelain=v1",
      "-z",
      "--no-renames",
      "--untracked-files=all",
      "--ignore-submodules=dirty",
      "--",
      ".",
      ...excluded,
    ],
    { ...options, signal },
  );
  return parseStatusPaths(stdout);
}

/** `id` when it is a full object id; anything else (an option, a ref name) is a caller's bug. */
function objectId(id: string): string {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) {
    throw new WorkspaceError(`"${id}" is not an object id; pass the full sha of a tree`);
  }
  return id;
}

/** Entries a freeze looks at for nested repositories before it gives up (a large node_modules fits). */
const maxWorktreeEntries = 2_000_000;

/**
 * Refuse a worktree that holds a git repository below its root. Host-side `git add` asks a nested
 * repository (a gitlink, or a directory with `.git`) whether it is modified, which runs a git inside
 * it that reads that repository's own config — filter drivers included — as the platform's user. No
 * setting passed down can switch that off, so nothing nested may reach host git at all.
 */
export function refuseNestedRepositories(worktreePath: string): void {
  const found = findGitEntry(worktreePath, { maxEntries: maxWorktreeEntries, skipRootGit: true });
  if (found === undefined) return;
  const relative = path.relative(worktreePath, found);
  throw new WorkspaceError(
    `the worktree holds a nested git repository (${JSON.stringify(relative)}): Slipway records no nested repository or submodule change, as host git would run its configuration; remove it`,
    { code: "workspace_failed", details: { path: relative } },
  );
}

/**
 * Run `work` with git options whose index is a fresh one read from `start`, in a platform-owned
 * temporary directory: the worktree's own index, and anything the sandbox can reach, stay
 * untouched. The worktree is checked for nested repositories first (see refuseNestedRepositories).
 */
async function withPrivateIndex<T>(
  mirrorPath: string,
  worktreePath: string,
  start: string,
  signal: AbortSignal | undefined,
  work: (options: RunGitOptions) => Promise<T>,
): Promise<T> {
  const base = await worktreeGitOptions(mirrorPath, worktreePath);
  const directory = await mkdtemp(path.join(tmpdir(), "slipway-index-"));
  try {
    const options: RunGitOptions = {
      ...base,
      signal,
      env: { GIT_INDEX_FILE: path.join(directory, "index") },
    };
    await runGit(["read-tree", start], options);
    refuseNestedRepositories(worktreePath);
    return await work(options);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Stage the worktree onto a private index read from `start` with `stage`; the tree's id. */
function writeTreeFrom(
  mirrorPath: string,
  worktreePath: string,
  start: string,
  signal: AbortSignal | undefined,
  stage: (options: RunGitOptions) => Promise<void>,
): Promise<string> {
  return withPrivateIndex(mirrorPath, worktreePath, start, signal, async (options) => {
    await stage(options);
    return (await runGit(["write-tree"], options)).stdout.trim();
  });
}

/**
 * Freeze the worktree as it is now into a tree object in the mirror and return its id: HEAD's
 * files as they are now (changed, deleted, or kept when .gitignore names them), plus every
 * untracked file the standard ignore rules do not ignore — except under `setAside` (what setup
 * installed), left out by pathspecs Slipway passes, so no ignore file the agent or the repository
 * writes can bring them in; a tracked file there is still taken as it is now. Call it only while
 * nothing can write the worktree (after `Sandbox.killAll`).
 */
export async function snapshotWorktree(
  mirrorPath: string,
  worktreePath: string,
  signal?: AbortSignal,
  setAside: readonly string[] = [],
): Promise<string> {
  // Checked before any git runs: a bad path is a caller's bug, not the worktree's.
  setAside.forEach(setAsidePathspec);
  return writeTreeFrom(mirrorPath, worktreePath, "HEAD", signal, (options) =>
    addAllExcept(options, setAside),
  );
}

/**
 * The tree of `frozenTree`'s files as the worktree holds them now: equal to `frozenTree` exactly
 * when no file of it was changed or deleted. Files the tree does not hold (build output) are not
 * looked at: they are never committed.
 */
export async function retakeFrozenTree(
  mirrorPath: string,
  worktreePath: string,
  frozenTree: string,
  signal?: AbortSignal,
): Promise<string> {
  return writeTreeFrom(mirrorPath, worktreePath, objectId(frozenTree), signal, async (options) => {
    await runGit(["add", "-u", "--", "."], options);
  });
}

/**
 * Remove from the worktree everything `tree` does not hold: ignored files and directories (build
 * output, caches, anything the agent hid from `add -A`), so the gate's checks run on exactly the
 * frozen tree and no ignored file (a rewritten `node_modules/.bin` runner) can make them pass. Call
 * it only while nothing can write the worktree (after `Sandbox.killAll`); links are removed, never
 * followed. Returns the removed paths, relative to the root.
 */
export async function removeFilesOutsideTree(
  mirrorPath: string,
  worktreePath: string,
  tree: string,
  signal?: AbortSignal,
): Promise<string[]> {
  return withPrivateIndex(mirrorPath, worktreePath, objectId(tree), signal, async (options) => {
    // No --exclude-standard: ignored entries are listed too; --directory names a wholly untracked
    // directory once instead of every file in it.
    const { stdout } = await runGit(["ls-files", "-z", "--others", "--directory"], options);
    const paths = stdout.split("\0").filter((entry) => entry.length > 0);
    for (const entry of paths) {
      await rm(path.join(worktreePath, entry), { recursive: true, force: true });
    }
    return paths;
  });
}

/** Paths that differ between two trees (or commits), relative to the root, sorted. */
export async function changedPathsBetween(
  mirrorPath: string,
  worktreePath: string,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const options = await worktreeGitOptions(mirrorPath, worktreePath);
  const { stdout } = await runGit(
    ["diff-tree", "-r", "-z", "--name-only", "--no-renames", "--end-of-options", from, to, "--"],
    { ...options, signal },
  );
  return [...new Set(stdout.split("\0").filter((entry) => entry.length > 0))].sort();
}

export interface CommitRequest {
  mirrorPath: string;
  worktreePath: string;
  message: string;
  /** Who asked for the change; the committer when absent. */
  author?: GitIdentity;
  committer: GitIdentity;
  signal?: AbortSignal;
}

function identityEnvironment(author: GitIdentity, committer: GitIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  };
}

/**
 * Commit `tree` exactly, on the worktree's branch with the given identities (the worktree's files are
 * not read). Returns the new commit's sha, or undefined when the tree is HEAD's. Uses plumbing
 * (commit-tree, update-ref), so the message is kept exactly and no commit hook exists to run.
 */
export async function commitTree(request: CommitRequest & { tree: string }): Promise<string | undefined> {
  const { signal, tree } = request;
  const options = { ...(await worktreeGitOptions(request.mirrorPath, request.worktreePath)), signal };
  const head = (await runGit(["rev-parse", "--verify", "HEAD^{commit}"], options)).stdout.trim();
  const headTree = (await runGit(["rev-parse", "--verify", "HEAD^{tree}"], options)).stdout.trim();
  if (tree === headTree) return undefined;
  const message = request.message.trimEnd();
  if (message.length === 0)
    throw new WorkspaceError("the commit message is empty; pass a message describing the change");
  const env = identityEnvironment(request.author ?? request.committer, request.committer);
  const commit = (
    await runGit(["commit-tree", objectId(tree), "-p", head, "-F", "-"], {
      ...options,
      env,
      input: `${message}\n`,
    })
  ).stdout.trim();
  // The old value makes the update fail if the branch moved meanwhile, instead of losing that commit.
  await runGit(["update-ref", "-m", "slipway: commit run result", "HEAD", commit, head], options);
  return commit;
}

/**
 * Stage everything (`add -A`, ignored files stay out) into the worktree's index and commit it with
 * `commitTree`. Returns the new commit's sha, or undefined when nothing changed.
 */
export async function commitAll(request: CommitRequest): Promise<string | undefined> {
  const options = {
    ...(await worktreeGitOptions(request.mirrorPath, request.worktreePath)),
    signal: request.signal,
  };
  refuseNestedRepositories(request.worktreePath);
  await runGit(["add", "-A", "--", "."], options);
  const tree = (await runGit(["write-tree"], options)).stdout.trim();
  return commitTree({ ...request, tree });
}
