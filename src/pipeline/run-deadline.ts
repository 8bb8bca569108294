// The run's wall-time deadline (start + limits.maxMinutes): what is left of it, and a signal that
// fires when it passes, so no tool call, check or judge call outlives the run.
import type { RunContext } from "./run-context.ts";

/** setTimeout's largest delay; a longer limit is as good as none for one process. */
const maxTimerMs = 2_147_483_647;

type DeadlineSource = Pick<RunContext, "startedAt" | "signal"> & {
  run: { limits: { maxMinutes: number } };
};

/** Epoch ms at which the run's wall time is up. */
export function deadlineOf(context: DeadlineSource): number {
  return context.startedAt + context.run.limits.maxMinutes * 60_000;
}

/** Milliseconds left before the deadline, never negative. */
export function timeLeftMs(context: DeadlineSource, now: number = Date.now()): number {
  return Math.max(0, deadlineOf(context) - now);
}

export function pastDeadline(context: DeadlineSource, now: number = Date.now()): boolean {
  return timeLeftMs(context, now) === 0;
}

/** `timeoutMs` cut to the time the run has left (at least 1 ms: a timer of 0 means "none" to some). */
export function withinDeadline(context: DeadlineSource, timeoutMs: number): number {
  return Math.max(1, Math.min(timeoutMs, timeLeftMs(context)));
}

/** A signal that fires when the run is stopped or its wall time is up, whichever comes first. */
export function deadlineSignal(context: DeadlineSource): AbortSignal {
  const left = Math.min(maxTimerMs, Math.max(1, timeLeftMs(context)));
  return AbortSignal.any([context.signal, AbortSignal.timeout(left)]);
}

/** The outcome detail of a run that ran out of wall time. */
export function timeLimitDetail(context: DeadlineSource, during: string): string {
  return `wall time reached ${context.run.limits.maxMinutes} min (during ${during})`;
}
