// Events of the setup stage: the plan, the warm snapshot restored or saved, each egress decision of
// the setup's sandbox, and what the setup produced.
import { z } from "zod";

const SetupSource = z.enum(["declared", "detected"]);

const SetupCommandResult = z.object({
  name: z.string(),
  cwd: z.string(),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number(),
  cause: z.string().optional(),
  outputTail: z.string().optional(),
});

/** What `saveWarm` recorded: saved (with its size and what was evicted) or not (with the problem). */
export const SetupSnapshotData = z.object({
  key: z.string(),
  saved: z.boolean(),
  bytes: z.number().optional(),
  evicted: z.array(z.string()).optional(),
  durationMs: z.number().optional(),
  problem: z.string().optional(),
});
export type SetupSnapshotData = z.infer<typeof SetupSnapshotData>;

export const setupEvents = [
  z.object({
    type: z.literal("setup-start"),
    data: z.object({
      enabled: z.boolean(),
      source: SetupSource,
      ecosystems: z.array(z.string()),
      commands: z.array(z.object({ name: z.string(), cwd: z.string() })),
      allowHosts: z.array(z.string()),
      secretNames: z.array(z.string()),
      notes: z.array(z.string()),
    }),
  }),
  z.object({
    type: z.literal("setup-restore"),
    data: z.object({
      key: z.string(),
      restored: z.boolean(),
      directories: z.array(z.string()),
      durationMs: z.number(),
      mode: z.enum(["overlay", "copy"]).optional(),
      fallback: z.string().optional(),
      problem: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal("setup-snapshot"), data: SetupSnapshotData }),
  z.object({
    type: z.literal("setup-egress"),
    data: z.object({
      verdict: z.enum(["allowed", "refused"]),
      host: z.string(),
      port: z.number(),
      method: z.string(),
      reason: z.string(),
      address: z.string().optional(),
    }),
  }),
  z.object({
    type: z.literal("setup-end"),
    data: z.object({
      passed: z.boolean(),
      source: SetupSource,
      ecosystems: z.array(z.string()),
      producedDirectories: z.array(z.string()),
      commands: z.array(z.string()),
      durationMs: z.number(),
      cause: z.string().optional(),
      restoredFrom: z.string().optional(),
      restoredBy: z.enum(["overlay", "copy"]).optional(),
      results: z.array(SetupCommandResult),
      notes: z.array(z.string()),
    }),
  }),
] as const;
