// What a run keeps between stages and attempts in `run.state`, as one schema: the store saves it
// as JSON and parses it with `readRunState` when it reads a run, so `run.state` is typed, with a
// damaged key left out and a newer version's keys carried along untouched.
import { z } from "zod";
import { EventPullRequest } from "./events/event-parts.ts";
import { RunSpecFollowUp, RunSpecGuardGrants } from "./run-spec.ts";

/** One full check's result as the gate saved it (the PR body and the report list these). */
export const RunStateCheck = z.object({
  name: z.string(),
  passed: z.boolean(),
  durationMs: z.number(),
  summary: z.string().optional(),
});
export type RunStateCheck = z.infer<typeof RunStateCheck>;

/** What the setup stage produced (setup/setup-outcome.ts's SetupOutcome). */
const RunStateSetup = z.object({
  passed: z.boolean(),
  source: z.enum(["declared", "detected"]),
  ecosystems: z.array(z.string()),
  producedDirectories: z.array(z.string()),
  commands: z.array(z.string()),
  durationMs: z.number(),
  cause: z.string().optional(),
  restoredFrom: z.string().optional(),
  restoredBy: z.enum(["overlay", "copy"]).optional(),
});

export const RunState = z.object({
  /** `process`: executed by the process that submitted it (no lease; recovery asks if it lives). */
  owner: z.literal("process").optional(),
  /** The task's `--allow-*` grants, fixed at intake. */
  guardGrants: RunSpecGuardGrants.optional(),
  followUp: RunSpecFollowUp.optional(),
  originIssue: z.number().int().positive().optional(),
  /** The mirror the worktree was made from. */
  mirrorPath: z.string().optional(),
  /** The run's own disk volume, when `sandbox.diskMb` gave it one. */
  volume: z.object({ mountPoint: z.string(), image: z.string() }).optional(),
  /** The agent's finish summary. */
  summary: z.string().optional(),
  setup: RunStateSetup.optional(),
  /** The tree the gate verified (and review read). */
  frozenTree: z.string().optional(),
  verification: z.array(RunStateCheck).optional(),
  /** Guard rounds, verdicts and the judge's usage: its schema is judge/review/review-record.ts's. */
  review: z.unknown().optional(),
  pullRequest: EventPullRequest.optional(),
});
export type RunState = z.infer<typeof RunState>;

const StateBag = z.record(z.string(), z.unknown());

/** What a stage may add to the state: each key typed by the schema (tsc checks every writer). */
export type RunStatePatch = RunState;

/** `state` with `patch`'s keys set, for a stage's update. */
export function withRunState(state: RunState, patch: RunStatePatch): RunState {
  return { ...state, ...patch };
}

/**
 * The typed state of a stored run (the store reads every run's state through this). Each key is
 * parsed on its own, so one damaged key (an older version's, a hand-edited row) is left out
 * instead of losing the rest; never throws. Keys the schema does not know are kept as they are,
 * unseen by typed readers: a newer worker sharing the store wrote them, and an older worker's
 * next update must not erase them.
 */
export function readRunState(state: unknown): RunState {
  const bag = StateBag.safeParse(state);
  if (!bag.success) return {};
  const parsed: Record<string, unknown> = {};
  const unknownKeys: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(bag.data)) {
    const schema = Object.hasOwn(RunState.shape, key) ? RunState.shape[key as keyof RunState] : undefined;
    if (schema === undefined) unknownKeys[key] = value;
    else if (value !== undefined) {
      const field = schema.safeParse(value);
      if (field.success) parsed[key] = field.data;
    }
  }
  return { ...unknownKeys, ...RunState.parse(parsed) };
}
