// Stage commit: one commit on the run's branch with the standard message.
import { commitAll } from "../workspace/worktree.ts";
import { buildCommitMessage } from "./commit-message.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

export const slipwayCommitter = { name: "Slipway", email: "slipway@localhost" };

export async function commitStage(context: RunContext): Promise<StageResult> {
  const { task, run } = context;
  const commit = await commitAll({
    mirrorPath: context.mirrorPath!,
    worktreePath: context.sandbox!.worktree,
    message: buildCommitMessage(task.title, context.finishSummary, run.id),
    author: task.requestedBy,
    committer: slipwayCommitter,
  });
  if (!commit) {
    return { next: "cleanup", outcome: "no_change", outcomeDetail: "nothing to commit" };
  }
  await recordEvent(context, "commit-create", { commit, branch: run.branch, files: run.filesChanged });
  return { next: "publish", update: { commit } };
}
