// The driver of the run state machine: runs one stage at a time, checks each move against the
// transition table, saves the run after every stage, and always ends with cleanup.
import { describeError, SlipwayError } from "../core/errors.ts";
import type { Run, RunOutcome, RunStage } from "../core/run.ts";
import { applyRunUpdate } from "../store/run-update.ts";
import type { RunUpdate } from "../store/store.ts";
import { type RunContext, recordEvent, type Stage, type StageResult, wasCancelled } from "./run-context.ts";
import { pastDeadline, timeLimitDetail } from "./run-deadline.ts";
import { agentStage } from "./stage-agent.ts";
import { cleanupStage } from "./stage-cleanup.ts";
import { setupStage } from "./stage-setup.ts";
import { workspaceStage } from "./stage-workspace.ts";
import { isPassingStoreFailure, retryStoreWrite, storeFailureDetail } from "./store-write-retry.ts";
import { isAllowedTransition, maxStageSteps } from "./transitions.ts";

/** The stages whose work the run's wall-time limit covers (setup, the agent's, and what judges it). */
const deadlineBoundStages: ReadonlySet<RunStage> = new Set(["setup", "agent", "gate", "review"]);

const stages: Readonly<Record<Exclude<RunStage, "done">, Stage>> = {
  created: async () => ({ next: "workspace" }),
  workspace: workspaceStage,
  setup: setupStage,
  agent: agentStage,
  // Loaded when reached (about 90 modules: verifiers, parsers, judge, forge publishing): a run's
  // start, up to the agent's first model call, does not wait for what judges and ships its work.
  gate: async (context) => (await import("./stage-gate.ts")).gateStage(context),
  review: async (context) => (await import("./stage-review.ts")).reviewStage(context),
  commit: async (context) => (await import("./stage-commit.ts")).commitStage(context),
  publish: async (context) => (await import("./stage-publish.ts")).publishStage(context),
  cleanup: cleanupStage,
};

async function runStage(context: RunContext, stage: Exclude<RunStage, "done">): Promise<StageResult> {
  try {
    return await stages[stage](context);
  } catch (error) {
    const interrupted = context.signal.aborted;
    // A stage bound by the run's deadline that failed once it passed was stopped by it (a check or
    // a judge call cut off): the run ran out of time, it did not break.
    const outOfTime = !interrupted && deadlineBoundStages.has(stage) && pastDeadline(context);
    const cancelled = wasCancelled(context.signal);
    const message = interrupted
      ? cancelled
        ? "the run was cancelled"
        : "the run was stopped"
      : outOfTime
        ? timeLimitDetail(context, `the ${stage} stage`)
        : isPassingStoreFailure(error)
          ? storeFailureDetail(error)
          : describeError(error);
    await recordEvent(context, "run-error", {
      message,
      code: SlipwayError.isInstance(error) ? error.code : "internal",
      stack: !SlipwayError.isInstance(error) && error instanceof Error ? error.stack : undefined,
    }).catch(() => {
      // The store may be what failed: the outcome's detail carries the message all the same.
    });
    const outcome: RunOutcome = cancelled
      ? "cancelled"
      : interrupted
        ? "interrupted"
        : outOfTime
          ? "time_limit"
          : "error";
    return { next: stage === "cleanup" ? "done" : "cleanup", outcome, outcomeDetail: message };
  }
}

/** Drive `context.run` from its current stage to `done`; returns the finished run. */
export async function drivePipeline(context: RunContext): Promise<Run> {
  const { store } = context.services;
  let stage: RunStage = context.run.stage;
  let outcome: { outcome: RunOutcome; detail?: string } | undefined;
  for (let step = 0; stage !== "done"; step++) {
    // A stage loop that does not end is a bug; fail the run rather than spin.
    const result: StageResult =
      step >= maxStageSteps
        ? {
            next: "cleanup",
            outcome: "error",
            outcomeDetail: `pipeline exceeded ${maxStageSteps} stage steps`,
          }
        : await runStage(context, stage);
    if (!isAllowedTransition(stage, result.next)) {
      throw new SlipwayError("internal", `pipeline bug: stage ${stage} may not move to ${result.next}`);
    }
    if (result.outcome && !outcome) outcome = { outcome: result.outcome, detail: result.outcomeDetail };
    // The outcome is stored before cleanup starts: a run killed while cleaning up (after it opened
    // its pull request) is still recorded with what it did, not as interrupted.
    const decided =
      result.next === "cleanup" && outcome ? { outcome: outcome.outcome, outcomeDetail: outcome.detail } : {};
    stage = await saveStep(
      context,
      { ...result.update, ...decided, stage: result.next },
      stage,
      result,
      (error) => {
        outcome ??= { outcome: "error", detail: storeFailureDetail(error) };
      },
    );
    if (step > maxStageSteps + 2) break;
  }
  const final = outcome ?? { outcome: "error" as const, detail: "the pipeline ended without an outcome" };
  // The end event first: a follower that sees the run finished has all its events to read, and a
  // worker's fenced writes go through only while the run is still running.
  await retryStoreWrite(() =>
    recordEvent(context, "run-end", { outcome: final.outcome, detail: final.detail }),
  );
  context.run = await retryStoreWrite(() =>
    store.updateRun(context.run.id, {
      status: "finished",
      stage: context.run.stage,
      outcome: final.outcome,
      outcomeDetail: final.detail,
      endedAt: new Date().toISOString(),
      // Cleanup's removal of the worktree may have been kept in memory only (saveStep).
      ...(context.run.worktree === undefined ? { worktree: null } : {}),
    }),
  );
  return context.run;
}

/**
 * Store one step's update and its stage-end event; returns the stage to run next. When the store
 * stays unwritable past the retry bound, the run goes on in memory to cleanup (so its sandbox and
 * worktree still go) and `onStoreFailure` gives it the store's failure as its cause.
 */
async function saveStep(
  context: RunContext,
  update: RunUpdate,
  stage: RunStage,
  result: StageResult,
  onStoreFailure: (error: unknown) => void,
): Promise<RunStage> {
  const { store } = context.services;
  try {
    context.run = await retryStoreWrite(() => store.updateRun(context.run.id, update));
    await retryStoreWrite(() =>
      recordEvent(context, "stage-end", { stage, next: result.next, outcome: result.outcome }),
    );
    return result.next;
  } catch (error) {
    if (!isPassingStoreFailure(error)) throw error;
    context.run = applyRunUpdate(context.run, update);
    onStoreFailure(error);
    return result.next === "done" ? "done" : "cleanup";
  }
}
