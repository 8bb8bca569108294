// What a run changed in its worktree, and the one commit that records it; git reads only the mirror's admin dir.
import { WorkspaceError } from "../core/errors.ts";
import { runGit } from "./git.ts";
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
 * ignored ones), relative to the worktree root.
 */
export async function changedFiles(
  mirrorPath: string,
  worktreePath: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const options = await worktreeGitOptions(mirrorPath, worktreePath);
  // --ignore-submodules=dirty: git compares submodule commits only and starts no process inside them.
  const { stdout } = await runGit(
    ["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--ignore-submodules=dirty"],
    { ...options, signal },
  );
  return parseStatusPaths(stdout);
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
 * Stage everything (`add -A`, ignored files stay out) and commit it on the worktree's branch with the
 * given identities. Returns the new commit's sha, or undefined when nothing changed. Uses plumbing
 * (write-tree, commit-tree, update-ref), so the message is kept exactly and no commit hook exists to run.
 */
export async function commitAll(request: CommitRequest): Promise<string | undefined> {
  const { signal } = request;
  const options = { ...(await worktreeGitOptions(request.mirrorPath, request.worktreePath)), signal };
  await runGit(["add", "-A", "--", "."], options);
  const tree = (await runGit(["write-tree"], options)).stdout.trim();
  const head = (await runGit(["rev-parse", "--verify", "HEAD^{commit}"], options)).stdout.trim();
  const headTree = (await runGit(["rev-parse", "--verify", "HEAD^{tree}"], options)).stdout.trim();
  if (tree === headTree) return undefined;
  const message = request.message.trimEnd();
  if (message.length === 0)
    throw new WorkspaceError("the commit message is empty; pass a message describing the change");
  const env = identityEnvironment(request.author ?? request.committer, request.committer);
  const commit = (
    await runGit(["commit-tree", tree, "-p", head, "-F", "-"], { ...options, env, input: `${message}\n` })
  ).stdout.trim();
  // The old value makes the update fail if the branch moved meanwhile, instead of losing that commit.
  await runGit(["update-ref", "-m", "slipway: commit run result", "HEAD", commit, head], options);
  return commit;
}
