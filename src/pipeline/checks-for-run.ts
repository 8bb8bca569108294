// The checks of a run: detected in the worktree, derived from the CI files and set up by the
// `.slipway.yml` of the base commit (never the agent's edit of them), and none allowed a timeout
// past the run's deadline.
import { detectRunVerifiers } from "../verify/detect.ts";
import type { VerifierCommand } from "../verify/verifier.ts";
import { readBaseCiFiles } from "./base-ci-files.ts";
import type { RunContext } from "./run-context.ts";
import { withinDeadline } from "./run-deadline.ts";

export async function checksForRun(
  context: RunContext,
): Promise<{ commands: VerifierCommand[]; notes: string[] }> {
  // Read from the mirror's objects at the base commit on every call: the worktree's workflows are
  // the agent's to rewrite, and the base's objects never change.
  const ciFiles = await readBaseCiFiles(context.mirrorPath, context.run.baseCommit, context.signal);
  const detected = await detectRunVerifiers(context.sandbox!.worktree, context.repoVerifyConfig, {
    timeoutMs: context.services.config.verify.timeoutSeconds * 1000,
    ciFiles,
  });
  const commands = detected.commands.map((command) => ({
    ...command,
    timeoutMs: withinDeadline(context, command.timeoutMs),
  }));
  return { commands, notes: detected.notes };
}
