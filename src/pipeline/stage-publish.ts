// Stage publish: make the run's branch visible where the user works. For a local repository the
// branch is fetched into it (no hook of that repository runs); a remote waits for a forge.
import { existsSync } from "node:fs";
import { deliverBranch } from "../workspace/deliver.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

export async function publishStage(context: RunContext): Promise<StageResult> {
  const { task, run } = context;
  if (!existsSync(task.repo)) {
    await recordEvent(context, "publish-skip", {
      reason: "remote repository: the branch stays in the mirror",
    });
    return { next: "cleanup", outcome: "success" };
  }
  await deliverBranch({ mirrorPath: context.mirrorPath!, branch: run.branch, sourcePath: task.repo });
  await recordEvent(context, "branch-deliver", { repo: task.repo, branch: run.branch, commit: run.commit });
  return { next: "cleanup", outcome: "success" };
}
