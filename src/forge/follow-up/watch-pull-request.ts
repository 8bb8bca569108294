// Watches one pull request until its CI settles and every follow-up it earned has run: shepherd
// passes with exponential backoff between them, bounded by a total wait and a number of passes.
import { setTimeout as sleep } from "node:timers/promises";
import { InputError } from "../../core/errors.ts";
import type { Task } from "../../core/run.ts";
import type { PullRequestKey, PullRequestRecord } from "../../store/pull-request-store.ts";
import type { Store } from "../../store/store.ts";
import { type ShepherdAction, type ShepherdDeps, shepherdOnce } from "./shepherd.ts";

export interface WatchOptions {
  /** One pass, no waiting. */
  once: boolean;
  maxWaitMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Called after each pass with what it did. */
  onPass?: (actions: ShepherdAction[]) => void;
}

/** Hard cap on passes, whatever the clock says. */
const maxPasses = 200;
/** Follow-ups point at their parents; a chain longer than this is a bug, not a history. */
const maxAncestry = 50;

/** The task the pull request was opened for: the first run of its chain of follow-ups. */
export async function originalTaskOf(store: Store, record: PullRequestRecord): Promise<Task> {
  let runId = record.runId;
  for (let depth = 0; runId && depth < maxAncestry; depth++) {
    const run = await store.getRun(runId);
    if (!run) break;
    const parent = run.state.followUp?.parentRunId;
    if (!parent) {
      const task = await store.getTask(run.taskId);
      if (task) return task;
      break;
    }
    runId = parent;
  }
  throw new InputError(
    `pull request #${record.number} has no run of this installation behind it: Slipway only watches pull requests it opened`,
    { code: "not_found", details: { number: record.number } },
  );
}

/** Whether the watch goes on after a pass whose last action is `last`. */
function keepWatching(last: ShepherdAction | undefined): boolean {
  // After a follow-up, the new head's CI has yet to start (no checks) or finish (waiting).
  return last?.kind === "waiting" || last?.kind === "no_checks" || last?.kind === "followed_up";
}

export async function watchPullRequest(
  key: PullRequestKey,
  deps: ShepherdDeps,
  options: WatchOptions,
): Promise<ShepherdAction[]> {
  const deadline = performance.now() + options.maxWaitMs;
  const all: ShepherdAction[] = [];
  let delay = options.initialDelayMs;
  for (let pass = 0; pass < maxPasses; pass++) {
    const record = await deps.store.getPullRequest(key);
    if (!record)
      throw new InputError(`no pull request #${key.number} on ${key.forge}`, { code: "not_found" });
    const actions = await shepherdOnce(record, await originalTaskOf(deps.store, record), deps);
    all.push(...actions);
    options.onPass?.(actions);
    const last = actions.at(-1);
    if (options.once || !keepWatching(last)) break;
    if (last?.kind === "followed_up") delay = options.initialDelayMs;
    const left = deadline - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(delay, left), undefined, { signal: deps.signal });
    delay = Math.min(delay * 2, options.maxDelayMs);
  }
  return all;
}
