// The structured answer the LLM judge must give, validated with zod before anything trusts it.
import { z } from "zod";

export const JudgeProblem = z
  .object({
    file: z.string().min(1),
    line: z.number().int().positive().nullable().optional(),
    kind: z.enum(["out_of_scope", "incomplete", "wrong", "risky"]),
    explanation: z.string().min(1),
  })
  .strict();
export type JudgeProblem = z.infer<typeof JudgeProblem>;

export const JudgeVerdict = z
  .object({
    verdict: z.enum(["approve", "veto"]),
    in_scope: z.boolean(),
    problems: z.array(JudgeProblem),
    confidence: z.number().min(0).max(1),
  })
  .strict();
export type JudgeVerdict = z.infer<typeof JudgeVerdict>;

/** Pull the JSON object out of a model's text (it may wrap it in a code fence) and validate it. */
export function parseJudgeAnswer(
  text: string,
): { ok: true; verdict: JudgeVerdict } | { ok: false; problem: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const candidate = (fenced?.[1] ?? text).trim();
  const start = candidate.indexOf("{");
  const end = candidate.lastIndexOf("}");
  if (start < 0 || end < start) return { ok: false, problem: "the answer holds no JSON object" };
  let value: unknown;
  try {
    value = JSON.parse(candidate.slice(start, end + 1));
  } catch (error) {
    return { ok: false, problem: `the JSON does not parse: ${(error as Error).message}` };
  }
  const parsed = JudgeVerdict.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `${issue.path.join(".") || "(top level)"}: ${issue.message}` };
  }
  return { ok: true, verdict: parsed.data };
}

/** One verdict for the whole diff: any veto vetoes; problems are joined; confidence is the lowest. */
export function combineVerdicts(verdicts: JudgeVerdict[]): JudgeVerdict {
  return {
    verdict: verdicts.some((verdict) => verdict.verdict === "veto") ? "veto" : "approve",
    in_scope: verdicts.every((verdict) => verdict.in_scope),
    problems: verdicts.flatMap((verdict) => verdict.problems),
    confidence: Math.min(...verdicts.map((verdict) => verdict.confidence)),
  };
}
