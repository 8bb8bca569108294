// Combines CI-derived checks with the ecosystem detectors' guesses: where the CI runs a kind of
// check (test, lint, type, format, build) the detector's check of that kind is dropped, and a
// detector's guess at a tool (raw eslint, tsc --noEmit, clippy …) is dropped whenever the CI is
// known at all, since a CI that never runs it shows the project does not.
import type { VerifierCommand } from "../verifier.ts";
import { detectedCheckKind, isToolGuess } from "./check-kind.ts";
import type { CiCheck } from "./ci-checks.ts";

/** The checks to run and a note per decision; `detected` is returned as it is when `ci` is empty. */
export function preferCiChecks(
  detected: VerifierCommand[],
  ci: CiCheck[],
): { commands: VerifierCommand[]; notes: string[] } {
  if (ci.length === 0) return { commands: detected, notes: [] };
  const covered = new Set(ci.flatMap((check) => check.kinds));
  const notes = ci.map(
    (check) =>
      `ci: ${check.command.name} (${[check.command.command, ...check.command.args].join(" ")}) from ${check.source}`,
  );
  const kept: VerifierCommand[] = [];
  for (const command of detected) {
    const kind = detectedCheckKind(command);
    if (kind !== undefined && covered.has(kind)) {
      notes.push(`ci: the CI runs ${kind} checks, so the detected ${command.name} is not run`);
    } else if (isToolGuess(command)) {
      notes.push(`ci: the CI never runs ${command.name}, so it is not added`);
    } else {
      kept.push(command);
    }
  }
  return { commands: [...ci.map((check) => check.command), ...kept], notes };
}
