// The run's state machine as data: which stage may follow which. The driver refuses any other move.
import type { RunStage } from "../core/run.ts";

export const transitions: Readonly<Record<RunStage, readonly RunStage[]>> = {
  created: ["workspace", "cleanup"],
  workspace: ["setup", "cleanup"],
  // setup → agent once the dependencies are installed (or nothing was to install); → cleanup on
  // setup_failed, before any model call.
  setup: ["agent", "cleanup"],
  // agent → gate when it calls finish; → cleanup when a limit or the model ends the run.
  agent: ["gate", "cleanup"],
  // gate → review when verification passes; → agent when it fails and retries are left;
  // → cleanup on no_change or verify_failed.
  gate: ["review", "agent", "cleanup"],
  // review (scope guards, then the judge) → commit on approval; → agent once per guard failure and
  // per veto; → cleanup on guard_failed, vetoed or judge_failed.
  review: ["commit", "agent", "cleanup"],
  commit: ["publish", "cleanup"],
  publish: ["cleanup"],
  cleanup: ["done"],
  done: [],
};

export function isAllowedTransition(from: RunStage, to: RunStage): boolean {
  return transitions[from].includes(to);
}

/** Upper bound on stage executions in one run: the gate loop is bounded by verify retries. */
export const maxStageSteps = 64;
