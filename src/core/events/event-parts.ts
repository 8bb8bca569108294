// Shapes that several run events carry (usage, findings, verifier results, pull requests): the
// trace's own contract, declared here so core/ depends on no stage that records them.
import { z } from "zod";
import { findingKinds, findingSeverities } from "../finding.ts";
import { runOutcomes, runStages } from "../run.ts";

export const EventUsage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
});

export const EventOutcome = z.enum(runOutcomes);
export const EventStage = z.enum(runStages);

export const EventFinding = z.object({
  kind: z.enum(findingKinds),
  severity: z.enum(findingSeverities).optional(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  rule: z.string().optional(),
  test: z.string().optional(),
  message: z.string(),
  context: z.string().optional(),
});

export const EventVerifierResult = z.object({
  name: z.string(),
  command: z.string(),
  passed: z.boolean(),
  exitCode: z.number().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number(),
  findings: z.array(EventFinding),
  summary: z.string(),
  unparsed: z.boolean(),
  /** Size of the raw output in characters. */
  rawChars: z.number(),
  /** Why it was not run (an earlier check of its CI job failed). */
  notRun: z.string().optional(),
  /** The program it needs that is not installed here. */
  unavailable: z.string().optional(),
});

export const EventGuardFinding = z.object({
  guard: z.string(),
  file: z.string(),
  line: z.number().optional(),
  message: z.string(),
});

export const EventJudgeProblem = z.object({
  file: z.string(),
  line: z.number().nullable().optional(),
  kind: z.enum(["out_of_scope", "incomplete", "wrong", "risky"]),
  explanation: z.string(),
});

export const EventPullRequest = z.object({
  forge: z.string(),
  repository: z.string(),
  number: z.number(),
  url: z.string(),
  state: z.enum(["open", "closed", "merged"]),
  action: z.enum(["opened", "updated", "followed_up", "not_reopened"]),
});

export const EventLimitOutcome = z.enum(["turn_limit", "time_limit", "token_limit", "cost_limit"]);
