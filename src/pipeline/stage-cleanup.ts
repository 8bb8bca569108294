// Stage cleanup: whatever the outcome, stop the sandbox and remove the worktree; the branch stays.
import { describeError } from "../core/errors.ts";
import { releaseSetupMounts, removeSetupCopy } from "../setup/setup-copy.ts";
import { closeRunVolume, recordedVolume } from "../workspace/run-volume.ts";
import { removeWorktree } from "../workspace/worktree.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

export async function cleanupStage(context: RunContext): Promise<StageResult> {
  const problems: string[] = [];
  try {
    await context.sandbox?.dispose();
  } catch (error) {
    problems.push(`sandbox: ${describeError(error)}`);
  }
  const worktree = context.run.worktree;
  if (worktree) {
    // Before the worktree goes: its removal must not walk into a warm snapshot's overlay.
    try {
      await releaseSetupMounts(worktree);
    } catch (error) {
      problems.push(`snapshot mounts: ${describeError(error)}`);
    }
  }
  if (worktree && context.mirrorPath) {
    try {
      await removeWorktree(context.mirrorPath, worktree);
    } catch (error) {
      problems.push(`worktree: ${describeError(error)}`);
    }
  }
  if (worktree) {
    try {
      await removeSetupCopy(worktree);
    } catch (error) {
      problems.push(`setup copy: ${describeError(error)}`);
    }
  }
  const volume = recordedVolume(context.run.state);
  if (volume) {
    try {
      await closeRunVolume(volume.mountPoint, volume.image);
    } catch (error) {
      problems.push(`volume: ${describeError(error)}`);
    }
  }
  await recordEvent(context, "workspace-remove", { worktree, problems });
  return { next: "done", update: { worktree: null } };
}
