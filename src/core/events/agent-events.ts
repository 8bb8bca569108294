// Events of the agent stage: the loop's model calls and retries, tool calls and results, the
// repository's instructions shown or refused, limits reached, and the fast checks it ran.
import { z } from "zod";
import { EventLimitOutcome, EventUsage, EventVerifierResult } from "./event-parts.ts";

const RetryNotice = {
  attempt: z.number(),
  attempts: z.number(),
  delayMs: z.number(),
  reason: z.string(),
};

export const agentEvents = [
  z.object({ type: z.literal("agent-start"), data: z.object({ task: z.string() }) }),
  z.object({ type: z.literal("model-request"), data: z.object({ turn: z.number(), messages: z.number() }) }),
  /** `turn` for the agent's calls; `judge: true` for the judge's. */
  z.object({
    type: z.literal("model-retry"),
    data: z.object({ ...RetryNotice, turn: z.number().optional(), judge: z.boolean().optional() }),
  }),
  z.object({
    type: z.literal("model-response"),
    data: z.object({
      turn: z.number(),
      text: z.string(),
      toolCalls: z.array(
        z.object({
          toolCallId: z.string(),
          toolName: z.string(),
          input: z.unknown(),
          invalidReason: z.string().optional(),
        }),
      ),
      finishReason: z.string(),
      usage: EventUsage,
      totalUsage: EventUsage,
      durationMs: z.number(),
    }),
  }),
  z.object({ type: z.literal("model-fail"), data: z.object({ message: z.string() }) }),
  z.object({
    type: z.literal("limit-reach"),
    data: z.object({ outcome: EventLimitOutcome, detail: z.string() }),
  }),
  z.object({
    type: z.literal("tool-call"),
    data: z.object({ turn: z.number(), id: z.string(), name: z.string(), input: z.unknown() }),
  }),
  z.object({
    type: z.literal("tool-result"),
    data: z.object({ id: z.string(), name: z.string(), isError: z.boolean(), text: z.string() }),
  }),
  z.object({
    type: z.literal("instructions-show"),
    data: z.object({
      path: z.string(),
      chars: z.number(),
      originalChars: z.number(),
      cut: z.boolean(),
      /** `task` for the root file; else the path whose touch disclosed a nested file. */
      with: z.string(),
      reason: z.string().optional(),
    }),
  }),
  z.object({
    type: z.literal("instructions-refuse"),
    data: z.object({ path: z.string(), reason: z.string() }),
  }),
  /** The fast checks (`speed: fast`, from the verify tool) and the gate's full ones. */
  z.object({
    type: z.literal("verify-end"),
    data: z.object({
      speed: z.enum(["fast", "full"]),
      passed: z.boolean(),
      results: z.array(EventVerifierResult),
      summary: z.string().optional(),
    }),
  }),
] as const;
