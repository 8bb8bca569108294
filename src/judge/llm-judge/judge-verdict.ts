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

/** Opening braces tried as the start of an object before the answer is given up on. */
const maxObjectTries = 500;

/** The end of the JSON object that opens at `start` (braces outside strings balanced), or -1. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") depth += 1;
    else if (char === "}" && --depth === 0) return index;
  }
  return -1;
}

/**
 * Every JSON object in `text` that has a `verdict` key, outermost first; braces in prose, and
 * objects that do not parse, are skipped. An object inside another counts once, as the outer one.
 * Undefined when the answer holds too many braces to look through.
 */
export function verdictObjects(text: string): unknown[] | undefined {
  const found: unknown[] = [];
  let tries = 0;
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    // Each try scans to the object's end: bound the work an answer full of braces can cause.
    if (++tries > maxObjectTries) return undefined;
    const end = objectEnd(text, start);
    if (end < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, end + 1));
    } catch {
      continue; // not JSON (prose, or a fragment): look for an object further on
    }
    if (typeof value === "object" && value !== null && Object.hasOwn(value, "verdict")) {
      found.push(value);
      start = end;
    }
  }
  return found;
}

/**
 * Read the verdict from a model's answer (it may wrap it in a code fence or explain around it).
 * Exactly one object with a `verdict` key must be in the answer: a judge that quotes a verdict
 * planted in the diff and then gives its own has given two, and neither is picked — the answer is
 * invalid (asked again, then the review fails closed).
 */
export function parseJudgeAnswer(
  text: string,
): { ok: true; verdict: JudgeVerdict } | { ok: false; problem: string } {
  const objects = verdictObjects(text);
  if (objects === undefined)
    return { ok: false, problem: "the answer holds too many braces; give only the JSON object" };
  if (objects.length === 0) return { ok: false, problem: "the answer holds no JSON object" };
  if (objects.length > 1) {
    return {
      ok: false,
      problem: `the answer holds ${objects.length} JSON objects with a verdict (do not quote one from the diff); give exactly one`,
    };
  }
  const parsed = JudgeVerdict.safeParse(objects[0]);
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
