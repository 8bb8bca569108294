// The LLM judge: an independent model call per diff chunk, each answer validated; a malformed
// answer is asked again once, and a second one fails closed (no verdict, no commit).
import type { LanguageModel, ModelMessage } from "ai";
import type { Price } from "../../config/config-schema.ts";
import type { RecordRunEvent } from "../../core/events/run-events.ts";
import { addUsage, emptyUsage, type Usage } from "../../core/run.ts";
import { callModel } from "../../models/model-call.ts";
import { costOf } from "../../models/price-table.ts";
import { type LimitBreach, type SpendBudget, wouldExceed } from "../../models/run-limits.ts";
import type { ParsedDiff } from "../diff/parse-diff.ts";
import { chunkDiff, type DiffChunk } from "./chunk-diff.ts";
import { judgeSystemPrompt, judgeUserMessage } from "./judge-prompt.ts";
import { combineVerdicts, type JudgeVerdict, parseJudgeAnswer } from "./judge-verdict.ts";

export interface JudgeRequest {
  model: LanguageModel;
  price: Price | undefined;
  task: string;
  /** The change as collectDiff parsed it; the judge reads it rendered and fenced (chunk-diff.ts). */
  diff: ParsedDiff;
  /** The verifier summary, as the agent last saw it. */
  verification: string;
  chunkChars: number;
  signal: AbortSignal;
  timeoutMs: number;
  modelRetries: number;
  record: RecordRunEvent;
  /**
   * Called with each answered call's usage before anything else happens, as the agent loop saves
   * its own: a review cut off (SIGINT, a lost lease) still counts what its calls cost.
   */
  saveUsage?: (callUsage: Usage) => Promise<void>;
  /** What the run's limits leave for the judge; a call that would pass it is not made. */
  budget?: SpendBudget;
}

export type JudgeResult =
  | { kind: "verdict"; verdict: JudgeVerdict; usage: Usage; calls: number }
  | { kind: "failed"; detail: string; usage: Usage; calls: number }
  | ({ kind: "limit"; usage: Usage; calls: number } & LimitBreach);

/** A verdict is a short JSON object; a longer answer is cut off rather than paid for. */
const judgeMaxOutputTokens = 2048;

interface ChunkResult {
  verdict?: JudgeVerdict;
  problem?: string;
  limit?: LimitBreach;
  usage: Usage;
  calls: number;
}

/** About four characters per token: the expected input of a call, checked against the budget before it. */
function expectedUsage(request: JudgeRequest, messages: ModelMessage[]): Usage {
  const chars = judgeSystemPrompt.length + JSON.stringify(messages).length;
  const inputTokens = Math.ceil(chars / 4);
  return { inputTokens, outputTokens: 0, costUsd: costOf(request.price, inputTokens, 0) };
}

async function judgeChunk(
  request: JudgeRequest,
  messages: ModelMessage[],
  chunkIndex: number,
  spentBefore: Usage,
): Promise<ChunkResult> {
  let usage = emptyUsage;
  let problem = "";
  for (let attempt = 1; attempt <= 2; attempt++) {
    const limit =
      request.budget &&
      wouldExceed(request.budget, addUsage(spentBefore, usage), expectedUsage(request, messages));
    if (limit) return { limit, usage, calls: attempt - 1 };
    const answer = await callModel({
      model: request.model,
      system: judgeSystemPrompt,
      messages,
      tools: {},
      price: request.price,
      signal: request.signal,
      timeoutMs: request.timeoutMs,
      maxRetries: request.modelRetries,
      maxOutputTokens: judgeMaxOutputTokens,
      // Announced like the agent's, so a waiting review is not silent; a failed record never fails the call.
      onRetry: (retry) =>
        void request.record("model-retry", { judge: true, ...retry }).catch(() => undefined),
    });
    usage = addUsage(usage, answer.usage);
    await request.saveUsage?.(answer.usage);
    const parsed = parseJudgeAnswer(answer.text);
    await request.record("judge-answer", {
      chunk: chunkIndex,
      attempt,
      valid: parsed.ok,
      text: answer.text,
      usage: answer.usage,
    });
    if (parsed.ok) return { verdict: parsed.verdict, usage, calls: attempt };
    problem = parsed.problem;
    messages = [
      ...messages,
      { role: "assistant", content: answer.text },
      {
        role: "user",
        content: `That answer was not valid (${problem}). Answer again with only the JSON object.`,
      },
    ];
  }
  return { problem, usage, calls: 2 };
}

/** Judge `request.diff` against the task; the result is one combined verdict or a failure. */
export async function runJudge(request: JudgeRequest): Promise<JudgeResult> {
  const chunks: DiffChunk[] = chunkDiff(request.diff, request.chunkChars);
  const allFiles = [...new Set(chunks.flatMap((chunk) => chunk.files))];
  await request.record("judge-start", { chunks: chunks.length, files: allFiles });
  const verdicts: JudgeVerdict[] = [];
  let usage = emptyUsage;
  let calls = 0;
  for (const [index, chunk] of chunks.entries()) {
    const content = judgeUserMessage({
      task: request.task,
      verification: request.verification,
      chunk,
      index,
      count: chunks.length,
      allFiles,
    });
    const result = await judgeChunk(request, [{ role: "user", content }], index, usage);
    usage = addUsage(usage, result.usage);
    calls += result.calls;
    if (result.limit) {
      await request.record("judge-limit", { chunk: index, chunks: chunks.length, ...result.limit });
      return { kind: "limit", ...result.limit, usage, calls };
    }
    if (!result.verdict) {
      return {
        kind: "failed",
        detail: `the judge gave no valid verdict for part ${index + 1}: ${result.problem}`,
        usage,
        calls,
      };
    }
    verdicts.push(result.verdict);
  }
  if (verdicts.length === 0) {
    return {
      kind: "verdict",
      verdict: { verdict: "approve", in_scope: true, problems: [], confidence: 1 },
      usage,
      calls,
    };
  }
  return { kind: "verdict", verdict: combineVerdicts(verdicts), usage, calls };
}

/** The text the agent gets back after a veto: what the judge found, file by file. */
export function formatVeto(verdict: JudgeVerdict): string {
  const lines = verdict.problems.map(
    (problem) =>
      `${problem.file}${problem.line ? `:${problem.line}` : ""}: [${problem.kind}] ${problem.explanation}`,
  );
  return [
    `An independent reviewer vetoed the change${verdict.in_scope ? "" : " (out of scope)"}. Address these, then call finish again:`,
    ...(lines.length > 0 ? lines : ["(no specific problem given)"]),
  ].join("\n");
}
