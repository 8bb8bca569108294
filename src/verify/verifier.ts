// The verification contract: detected checks of a repository, how they run, and what the agent sees.
import type { Finding, VerifierResult } from "../core/finding.ts";

/** `fast` runs from the agent's verify tool; `full` is the gate after finish (fast ⊆ full). */
export type VerifySpeed = "fast" | "full";

/** One check the repository has, as detected or declared in `.slipway.yml`. */
export interface VerifierCommand {
  /** Short name shown in reports: `typecheck`, `lint`, `test`, `build`, or a declared name. */
  name: string;
  command: string;
  args: string[];
  /** Directory relative to the worktree root. */
  cwd: string;
  /** Which parser reads its output: `node-test`, `tsc`, `generic`, … */
  parser: string;
  /** The speeds this check runs at. */
  speeds: VerifySpeed[];
  timeoutMs: number;
  /**
   * The CI job it was derived from: as the CI stops a job at its first failed step, a check whose
   * job already failed in this pass is not run (it would read stale build output).
   */
  job?: string;
}

/** Turns one command's raw output into findings. Pure: no I/O. */
export interface OutputParser {
  readonly name: string;
  parse(output: string, exitCode: number | null): Finding[];
}

/** All checks of one verification pass. */
export interface VerificationReport {
  speed: VerifySpeed;
  passed: boolean;
  results: VerifierResult[];
  /** Short text for the agent and the trace: failing test names, first errors with file:line. */
  summary: string;
}
