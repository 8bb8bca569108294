// The "next:" lines that end `slipway doctor`: what to fix first, or the command to run when
// nothing needs fixing. Pure: decided from the report alone.
import type { DoctorFinding } from "./doctor-request.ts";

export interface NextStepInput {
  findings: DoctorFinding[];
  /** True when at least one isolating sandbox works here. */
  sandboxWorks: boolean;
  /** The backend runs would use; undefined when runs cannot start. */
  runsWith?: string;
  toolProblems: string[];
}

/** One line per thing to do, most blocking first; the first run when there is nothing. */
export function nextSteps(input: NextStepInput): string[] {
  const steps = [...input.toolProblems];
  if (!input.sandboxWorks)
    steps.push("make bwrap or docker work as said above (or pass --sandbox none to run without isolation)");
  else if (!input.runsWith) steps.push("fix the sandbox configuration as said above, so runs can start");
  for (const finding of input.findings)
    if (finding.state === "warning" && finding.fix) steps.push(finding.fix);
  if (steps.length === 0)
    return [
      'slipway run --repo . --task "<the end state you want>"   (or `slipway demo` to see a run first)',
    ];
  return steps;
}
