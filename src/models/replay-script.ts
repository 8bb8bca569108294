// Turns a past run's trace into a model script: each recorded model answer (the agent's
// `model-response`, the judge's `judge-answer`) becomes one scripted turn, in the order they happened.
import { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import type { RunEvent } from "../core/run.ts";
import {
  type ModelScript,
  ScriptFinishReason,
  type ScriptToolCall,
  type ScriptTurn,
} from "./scripted-server/script.ts";

const RecordedUsage = z.looseObject({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});

const RecordedToolCall = z.looseObject({
  toolCallId: z.string().min(1),
  toolName: z.string().min(1),
  input: z.unknown(),
});

/** What agent-loop.ts records after each model call. */
const RecordedModelResponse = z.looseObject({
  text: z.string(),
  toolCalls: z.array(RecordedToolCall),
  finishReason: z.string(),
  usage: RecordedUsage,
});

/** What run-judge.ts records after each judge call. */
const RecordedJudgeAnswer = z.looseObject({ text: z.string(), usage: RecordedUsage });

/** One recorded answer, and whose it was. */
export interface ReplayTurn {
  role: "agent" | "judge";
  turn: ScriptTurn;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toolCallOf(call: z.infer<typeof RecordedToolCall>): ScriptToolCall {
  // An input the provider could not parse was recorded as its raw text: replay the same characters.
  if (isPlainObject(call.input)) return { id: call.toolCallId, name: call.toolName, input: call.input };
  const rawInput = typeof call.input === "string" ? call.input : JSON.stringify(call.input ?? null);
  return { id: call.toolCallId, name: call.toolName, rawInput };
}

function agentTurn(data: z.infer<typeof RecordedModelResponse>): ScriptTurn {
  const finishReason = ScriptFinishReason.safeParse(data.finishReason);
  return {
    ...(data.text !== "" ? { text: data.text } : {}),
    ...(data.toolCalls.length > 0 ? { toolCalls: data.toolCalls.map(toolCallOf) } : {}),
    usage: { inputTokens: data.usage.inputTokens, outputTokens: data.usage.outputTokens },
    // Reasons the script cannot express ("other", "unknown") fall back to the default for the turn.
    ...(finishReason.success ? { finishReason: finishReason.data } : {}),
  };
}

function parseRecorded<T>(schema: z.ZodType<T>, event: RunEvent, runId: string): T {
  const parsed = schema.safeParse(event.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(
    `run ${runId} cannot be replayed: its ${event.type} event #${event.seq} lacks ${issue?.path.join(".") || "its data"} (${issue?.message})`,
    { details: { runId, seq: event.seq } },
  );
}

/**
 * The answers the run `runId` got from its models, in trace order, as scripted turns.
 * Throws ConfigError when the trace holds no agent answer or a malformed one.
 */
export function replayTurnsFromTrace(runId: string, events: readonly RunEvent[]): ReplayTurn[] {
  const turns: ReplayTurn[] = [];
  for (const event of events) {
    if (event.type === "model-response") {
      turns.push({ role: "agent", turn: agentTurn(parseRecorded(RecordedModelResponse, event, runId)) });
    } else if (event.type === "judge-answer") {
      const answer = parseRecorded(RecordedJudgeAnswer, event, runId);
      const usage = { inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens };
      turns.push({ role: "judge", turn: { text: answer.text, usage } });
    }
  }
  if (!turns.some((entry) => entry.role === "agent")) {
    throw new ConfigError(`run ${runId} recorded no model response to replay`, { details: { runId } });
  }
  return turns;
}

/** The script of `turns`; without the judge's answers when the replay runs with no judge. */
export function replayScript(turns: readonly ReplayTurn[], withJudge: boolean): ModelScript {
  return { turns: turns.filter((entry) => withJudge || entry.role === "agent").map((entry) => entry.turn) };
}
