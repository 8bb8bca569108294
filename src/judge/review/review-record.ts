// What a run keeps of its reviews in `run.state.review`: every guard pass and verdict, and what
// the judge cost. Reports and `slipway stats` read it back through `readReviewRecord`.
import { z } from "zod";
import { emptyUsage } from "../../core/run.ts";
import { JudgeVerdict } from "../llm-judge/judge-verdict.ts";

const UsageRecord = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
});

export const ReviewRecord = z.object({
  guardRounds: z.array(z.object({ passed: z.boolean(), findings: z.number().int() })),
  verdicts: z.array(JudgeVerdict),
  judgeModel: z.string().optional(),
  judgeUsage: UsageRecord,
  judgeCalls: z.number().int(),
  /** Set when the judge gave no valid verdict and the run went on without one (judge.required false). */
  unjudged: z.boolean().optional(),
});
export type ReviewRecord = z.infer<typeof ReviewRecord>;

export const emptyReviewRecord: ReviewRecord = {
  guardRounds: [],
  verdicts: [],
  judgeUsage: emptyUsage,
  judgeCalls: 0,
};

/** The review record saved in a run's state, or an empty one when the run never reached review. */
export function readReviewRecord(state: Record<string, unknown>): ReviewRecord {
  const parsed = ReviewRecord.safeParse(state.review);
  return parsed.success ? parsed.data : emptyReviewRecord;
}
