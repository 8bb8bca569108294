// The checks of a run: detected in the worktree, set up by the base commit's `.slipway.yml` (never
// the agent's edit of it), and none allowed a timeout past the run's deadline.
import { detectRunVerifiers } from "../verify/detect.ts";
import type { VerifierCommand } from "../verify/verifier.ts";
import type { RunContext } from "./run-context.ts";
import { withinDeadline } from "./run-deadline.ts";

export async function checksForRun(
  context: RunContext,
): Promise<{ commands: VerifierCommand[]; notes: string[] }> {
  const detected = await detectRunVerifiers(context.sandbox!.worktree, context.repoVerifyConfig, {
    timeoutMs: context.services.config.verify.timeoutSeconds * 1000,
  });
  const commands = detected.commands.map((command) => ({
    ...command,
    timeoutMs: withinDeadline(context, command.timeoutMs),
  }));
  return { commands, notes: detected.notes };
}
