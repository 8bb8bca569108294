// Decides whether a commit name is part of a run's own history (ancestors of its worktree's HEAD:
// the base's history and the run's branch), so no other branch, stash or private ref is read.
import { GitCommandError, type RunGitOptions, runGit } from "./git.ts";

export type HistoryCommit = { ok: true; commit: string } | { ok: false; reason: string };

/**
 * Resolve `name` (with its `~`/`^` navigation) to a commit in the worktree's repository and check it
 * is HEAD or an ancestor of it. `options` selects the worktree (`worktreeGitOptions`).
 */
export async function commitInRunHistory(
  options: RunGitOptions,
  name: string,
  signal?: AbortSignal,
): Promise<HistoryCommit> {
  let commit: string;
  try {
    const { stdout } = await runGit(
      ["rev-parse", "--verify", "--quiet", "--end-of-options", `${name}^{commit}`],
      { ...options, signal },
    );
    commit = stdout.trim();
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) {
      return { ok: false, reason: `"${name}" names no commit here` };
    }
    throw error;
  }
  try {
    await runGit(["merge-base", "--is-ancestor", commit, "HEAD"], { ...options, signal });
    return { ok: true, commit };
  } catch (error) {
    // Exit 1: a commit, but not in this run's history. Anything else is a broken repository.
    if (error instanceof GitCommandError && error.exitCode === 1) {
      return {
        ok: false,
        reason: `"${name}" is not in this run's history (the base commit, its ancestors and the run's branch)`,
      };
    }
    throw error;
  }
}
