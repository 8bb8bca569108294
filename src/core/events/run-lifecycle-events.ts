// Events of a run's life outside any one stage: start and restart, stage ends, errors, the end,
// recovery's interrupt, forge warnings, and the workspace and frozen tree it works in.
import { z } from "zod";
import { EventOutcome, EventStage } from "./event-parts.ts";

const RunStarted = z.object({
  repo: z.string(),
  baseRef: z.string(),
  baseCommit: z.string().optional(),
  branch: z.string(),
  taskKey: z.string().optional(),
  /** `<forge name> <repository>`. */
  forge: z.string(),
  model: z.string(),
  sandbox: z.string(),
  isolated: z.boolean(),
  sandboxLimits: z.object({
    memoryMb: z.number(),
    maxProcesses: z.number(),
    maxFileMb: z.number().optional(),
    diskMb: z.number().optional(),
    commandTimeoutSeconds: z.number(),
    verifyTimeoutSeconds: z.number(),
    network: z.enum(["none", "allowlist"]),
    allowHosts: z.array(z.string()),
  }),
  limits: z.object({
    maxTurns: z.number(),
    maxMinutes: z.number(),
    maxTokens: z.number(),
    maxCostUsd: z.number(),
  }),
  priced: z.boolean(),
  /** The judge's model, null when judge.enabled is false. */
  judge: z.string().nullable(),
  attempt: z.number(),
});

export const runLifecycleEvents = [
  z.object({ type: z.literal("run-start"), data: RunStarted }),
  /** A later claim of the same run by a worker (attempt > 1): the run restarts at the workspace stage. */
  z.object({ type: z.literal("run-attempt"), data: RunStarted }),
  z.object({
    type: z.literal("run-error"),
    data: z.object({ message: z.string(), code: z.string(), stack: z.string().optional() }),
  }),
  z.object({
    type: z.literal("run-end"),
    data: z.object({ outcome: EventOutcome.optional(), detail: z.string().optional() }),
  }),
  /** Written by recovery when a run's owner is gone. */
  z.object({
    type: z.literal("run-interrupt"),
    data: z.object({ ownerPid: z.number(), worktreeRemoved: z.boolean(), problem: z.string().optional() }),
  }),
  z.object({
    type: z.literal("stage-end"),
    data: z.object({ stage: EventStage, next: EventStage, outcome: EventOutcome.optional() }),
  }),
  z.object({ type: z.literal("forge-warning"), data: z.object({ message: z.string() }) }),
  z.object({
    type: z.literal("workspace-ready"),
    data: z.object({
      mirrorPath: z.string(),
      worktree: z.string(),
      baseCommit: z.string(),
      branch: z.string(),
      sandbox: z.string(),
      durationMs: z.number(),
    }),
  }),
  z.object({
    type: z.literal("workspace-remove"),
    data: z.object({ worktree: z.string().optional(), problems: z.array(z.string()) }),
  }),
  z.object({ type: z.literal("tree-freeze"), data: z.object({ tree: z.string() }) }),
  z.object({
    type: z.literal("tree-check"),
    data: z.object({
      moment: z.string(),
      tree: z.string(),
      unchanged: z.boolean(),
      changed: z.array(z.string()),
    }),
  }),
] as const;
