// Zod schemas for what a store reads back (tasks, runs, events), shared by every store implementation,
// so a corrupt or foreign row fails with a clear StoreError instead of flowing on half-typed.
import { z } from "zod";
import { StoreError } from "../core/errors.ts";
import { type Run, type RunEvent, runOutcomes, runStages, type Task } from "../core/run.ts";
import { readRunState } from "../core/run-state.ts";

const isoTime = z.string().min(1);
const UsageRecord = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});
const LimitsRecord = z.object({
  maxTurns: z.number(),
  maxMinutes: z.number(),
  maxTokens: z.number(),
  maxCostUsd: z.number(),
});
const ObjectRecord = z.record(z.string(), z.unknown());

/** A task as stored. */
export const StoredTask: z.ZodType<Task> = z.object({
  id: z.string().min(1),
  text: z.string(),
  title: z.string(),
  repo: z.string(),
  baseRef: z.string(),
  key: z.string().min(1).optional(),
  createdAt: isoTime,
  requestedBy: z.object({ name: z.string(), email: z.string() }).optional(),
});

/** A run as stored. */
export const StoredRun: z.ZodType<Run> = z.object({
  id: z.string().min(1),
  taskId: z.string().min(1),
  status: z.enum(["queued", "running", "finished"]),
  stage: z.enum(runStages),
  outcome: z.enum(runOutcomes).optional(),
  outcomeDetail: z.string().optional(),
  model: z.string(),
  sandbox: z.string(),
  limits: LimitsRecord,
  branch: z.string(),
  baseCommit: z.string().optional(),
  commit: z.string().optional(),
  worktree: z.string().optional(),
  filesChanged: z.array(z.string()),
  turns: z.number().int().nonnegative(),
  usage: UsageRecord,
  startedAt: isoTime,
  endedAt: isoTime.optional(),
  attempt: z.number().int().nonnegative(),
  spec: z.unknown().optional(),
  ownerPid: z.number().int(),
  ownerHost: z.string(),
  // Not an object: the row is unreadable. A damaged key inside it: that key is left out (readRunState).
  state: ObjectRecord.transform(readRunState),
});

/** One trace event as stored. */
export const StoredRunEvent: z.ZodType<RunEvent> = z.object({
  runId: z.string().min(1),
  seq: z.number().int().positive(),
  at: isoTime,
  type: z.string().min(1),
  stage: z.enum(runStages),
  data: ObjectRecord,
});

/**
 * Parse a value read from a store; on failure throw StoreError naming the record (`what`, e.g.
 * `run run_abc`), where it lives and the first problem found.
 */
export function parseStored<T>(schema: z.ZodType<T>, value: unknown, what: string, location: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const problem = issue ? `${issue.path.join(".") || "value"}: ${issue.message}` : "invalid value";
  throw new StoreError(
    `${what} in ${location} is unreadable (${problem}): the database may be corrupt or written by an incompatible Slipway`,
    { details: { location, what, issues: result.error.issues }, cause: result.error },
  );
}
