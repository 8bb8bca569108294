// The one place that maps outcomes and error codes to process exit codes (and later HTTP status).
import type { ErrorCode } from "./errors.ts";
import type { RunOutcome } from "./run.ts";

export const outcomeExitCodes: Readonly<Record<RunOutcome, number>> = {
  success: 0,
  no_change: 3,
  verify_failed: 4,
  guard_failed: 5,
  vetoed: 6,
  turn_limit: 7,
  time_limit: 8,
  token_limit: 9,
  cost_limit: 10,
  model_failed: 11,
  interrupted: 12,
  error: 13,
  judge_failed: 14,
  publish_failed: 15,
  setup_failed: 16,
  cancelled: 18,
  budget_exhausted: 19,
  task_busy: 20,
};

/** The data directory or its store cannot be used (full disk, not writable, locked, damaged). */
export const storeFailedExitCode = 17;

/** Errors raised before a run starts: bad input and configuration exit 2, the store 17, the rest 1. */
export function errorExitCode(code: ErrorCode | undefined): number {
  switch (code) {
    case "store_failed":
      return storeFailedExitCode;
    case "config_invalid":
    case "input_invalid":
    case "repo_invalid":
    case "ref_unknown":
    case "model_not_configured":
    case "sandbox_unavailable":
    case "not_found":
    case "forge_not_configured":
      return 2;
    default:
      return 1;
  }
}
