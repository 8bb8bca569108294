// Stage commit: one commit on the run's branch with the standard message, of exactly the tree that
// was frozen, verified and reviewed; a worktree that changed since then fails the run instead.
import { commitTree } from "../workspace/worktree-commit.ts";
import { buildCommitMessage } from "./commit-message.ts";
import { changedSinceFreeze, describePaths } from "./frozen-tree.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

export const slipwayCommitter = { name: "Slipway", email: "slipway@localhost" };

export async function commitStage(context: RunContext): Promise<StageResult> {
  const { task, run } = context;
  const tree = context.frozenTree!;
  // Nothing should have run since the gate; a change here means something escaped killAll.
  const changed = await changedSinceFreeze(context, "before the commit");
  if (changed.length > 0) {
    return {
      next: "cleanup",
      outcome: "error",
      outcomeDetail: `the worktree changed after review (${describePaths(changed)}); nothing is committed`,
    };
  }
  const commit = await commitTree({
    mirrorPath: context.mirrorPath!,
    worktreePath: context.sandbox!.worktree,
    tree,
    message: buildCommitMessage(task.title, context.finishSummary, run.id),
    author: task.requestedBy,
    committer: slipwayCommitter,
    signal: context.signal,
  });
  if (!commit) {
    return { next: "cleanup", outcome: "no_change", outcomeDetail: "nothing to commit" };
  }
  await recordEvent(context, "commit-create", { commit, tree, branch: run.branch, files: run.filesChanged });
  return { next: "publish", update: { commit } };
}
