// No checks is not success: verification that ran nothing refuses to pass unless the repository
// declares it has none, so neither `slipway verify` nor the gate passes a change nothing checked.
import type { VerifierCommand } from "./verifier.ts";

/** The one line shown when nothing was detected or declared: what is wrong and how to fix it. */
export const noChecksLine =
  "no checks were detected or declared, so nothing verified the change: declare them under verify.commands in .slipway.yml, or set verify.none: true if the repository has none";

/**
 * The refusal line when `commands` is empty and the repository did not declare `verify.none`;
 * undefined when verification may go ahead (or pass with nothing to run, as declared).
 */
export function noChecksRefusal(commands: VerifierCommand[], declaredNone: boolean): string | undefined {
  return commands.length === 0 && !declaredNone ? noChecksLine : undefined;
}
