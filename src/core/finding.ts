// What verifiers report: findings parsed from tool output, never the raw log.

export const findingKinds = ["compile", "type", "lint", "test", "build", "unknown"] as const;
export type FindingKind = (typeof findingKinds)[number];

export const findingSeverities = ["error", "warning"] as const;
export type FindingSeverity = (typeof findingSeverities)[number];

/** One exact problem a verifier found. */
export interface Finding {
  kind: FindingKind;
  /** Absent means error: a warning never explains a failed check on its own. */
  severity?: FindingSeverity;
  file?: string;
  line?: number;
  column?: number;
  /** Lint rule or compiler error code, e.g. `TS2322` or `no-unused-vars`. */
  rule?: string;
  /** Full name of a failing test. */
  test?: string;
  message: string;
  /** A few lines around the problem (expected/actual, a code frame). */
  context?: string;
}

/** The result of running one verifier command. */
export interface VerifierResult {
  /** Short name, e.g. `test`, `typecheck`, `lint`. */
  name: string;
  /** The command line as run, for the trace. */
  command: string;
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  findings: Finding[];
  /** One line: what ran and what it found. */
  summary: string;
  /** True when no parser understood the output and `findings` holds the last relevant lines. */
  unparsed: boolean;
  /** Size of the raw output in characters, to measure what the summary saved. */
  rawChars: number;
  /** Why it was not run (an earlier check of its CI job failed): it did not pass, nor fail on its own. */
  notRun?: string;
  /** The program it needs that is not installed here: it did not pass, but says nothing of the change. */
  unavailable?: string;
}
