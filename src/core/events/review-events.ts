// Events of the gate and review stages: the full checks, the guards' findings and the LLM judge's
// chunks, answers and verdict.
import { z } from "zod";
import { EventGuardFinding, EventJudgeProblem, EventLimitOutcome, EventUsage } from "./event-parts.ts";

export const reviewEvents = [
  z.object({
    type: z.literal("verify-start"),
    data: z.object({
      removedOutsideTree: z.array(z.string()),
      restoredFromSetup: z.array(z.string()),
      dependenciesMounted: z.boolean(),
      notRestored: z.array(z.string()),
      speed: z.literal("full"),
      checks: z.array(z.string()),
      notes: z.array(z.string()),
    }),
  }),
  z.object({ type: z.literal("gate-end"), data: z.object({ passed: z.boolean(), changed: z.number() }) }),
  z.object({
    type: z.literal("guards-end"),
    data: z.object({ passed: z.boolean(), findings: z.array(EventGuardFinding) }),
  }),
  z.object({ type: z.literal("judge-skip"), data: z.object({ reason: z.string() }) }),
  z.object({
    type: z.literal("judge-start"),
    data: z.object({ chunks: z.number(), files: z.array(z.string()) }),
  }),
  z.object({
    type: z.literal("judge-answer"),
    data: z.object({
      chunk: z.number(),
      attempt: z.number(),
      valid: z.boolean(),
      text: z.string(),
      usage: EventUsage,
    }),
  }),
  z.object({
    type: z.literal("judge-limit"),
    data: z.object({ chunk: z.number(), chunks: z.number(), outcome: EventLimitOutcome, detail: z.string() }),
  }),
  /** valid: false with the detail of why there is no verdict; valid: true with the verdict's fields. */
  z.object({
    type: z.literal("judge-end"),
    data: z.object({
      valid: z.boolean(),
      detail: z.string().optional(),
      verdict: z.enum(["approve", "veto"]).optional(),
      in_scope: z.boolean().optional(),
      problems: z.array(EventJudgeProblem).optional(),
      confidence: z.number().optional(),
      usage: EventUsage,
    }),
  }),
] as const;
