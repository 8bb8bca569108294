// OpenAI Chat Completions (POST /v1/chat/completions) as pure functions: a scripted turn becomes
// the chat.completion JSON or the chat.completion.chunk SSE sequence, an error its error body.
import { z } from "zod";
import type { ScriptFinishReason, ScriptTurn } from "./script.ts";
import {
  argumentsText,
  finishReasonOf,
  retryAfterHeaders,
  type SseEvent,
  splitIntoDeltas,
  type TurnContext,
  usageOf,
  type WireProtocol,
  type WireReply,
} from "./wire-protocol.ts";

const finishReasons: Record<ScriptFinishReason, string> = {
  stop: "stop",
  "tool-calls": "tool_calls",
  length: "length",
  "content-filter": "content_filter",
};

const errorKinds: ReadonlyMap<number, { type: string; code: string | null }> = new Map([
  [400, { type: "invalid_request_error", code: null }],
  [401, { type: "invalid_request_error", code: "invalid_api_key" }],
  [403, { type: "invalid_request_error", code: "unsupported_country_region_territory" }],
  [404, { type: "invalid_request_error", code: "model_not_found" }],
  [413, { type: "invalid_request_error", code: "request_too_large" }],
  [429, { type: "requests", code: "rate_limit_exceeded" }],
]);

const openaiRequestSchema = z
  .looseObject({
    model: z.string(),
    messages: z.array(z.unknown()),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  })
  .transform((body) => ({
    model: body.model,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
  }));

function toolCallId(turn: ScriptTurn, context: TurnContext, index: number): string {
  return turn.toolCalls?.[index]?.id ?? `call_scripted_${context.turnIndex}_${index}`;
}

function completionId(context: TurnContext): string {
  return `chatcmpl-scripted-${context.turnIndex}`;
}

function usageBody(turn: ScriptTurn): Record<string, number> {
  const usage = usageOf(turn);
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** The non-streaming answer: one `chat.completion` object. */
export function openaiCompletion(turn: ScriptTurn, context: TurnContext): Record<string, unknown> {
  const calls = turn.toolCalls ?? [];
  const message: Record<string, unknown> = {
    role: "assistant",
    // The API sends null content on a tool-call-only answer.
    content: turn.text ?? (calls.length > 0 ? null : ""),
    refusal: null,
  };
  if (calls.length > 0) {
    message.tool_calls = calls.map((call, index) => ({
      id: toolCallId(turn, context, index),
      type: "function",
      function: { name: call.name, arguments: argumentsText(call) },
    }));
  }
  return {
    id: completionId(context),
    object: "chat.completion",
    created: context.createdAtSeconds,
    model: context.request.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasons[finishReasonOf(turn)] }],
    usage: usageBody(turn),
  };
}

function toolCallDeltas(turn: ScriptTurn, context: TurnContext): Record<string, unknown>[] {
  const deltas: Record<string, unknown>[] = [];
  (turn.toolCalls ?? []).forEach((call, index) => {
    const id = toolCallId(turn, context, index);
    // The API names the call in its first delta with empty arguments, then streams the arguments.
    deltas.push({
      tool_calls: [{ index, id, type: "function", function: { name: call.name, arguments: "" } }],
    });
    for (const piece of splitIntoDeltas(argumentsText(call))) {
      deltas.push({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  });
  return deltas;
}

/**
 * The streaming answer: chat.completion.chunk events (role, text pieces, tool call pieces, the
 * finish reason), a usage chunk when the client asked with `stream_options.include_usage`, then [DONE].
 */
export function openaiStreamEvents(turn: ScriptTurn, context: TurnContext): SseEvent[] {
  const base = {
    id: completionId(context),
    object: "chat.completion.chunk",
    created: context.createdAtSeconds,
    model: context.request.model,
  };
  // With include_usage every chunk carries `usage: null` and a last chunk with no choices carries the usage.
  const usageField = context.request.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): SseEvent => ({
    data: JSON.stringify({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...usageField,
    }),
  });
  const events = [
    chunk({ role: "assistant", content: "", refusal: null }),
    ...splitIntoDeltas(turn.text ?? "").map((content) => chunk({ content })),
    ...toolCallDeltas(turn, context).map((delta) => chunk(delta)),
    chunk({}, finishReasons[finishReasonOf(turn)]),
  ];
  if (context.request.includeUsage) {
    events.push({ data: JSON.stringify({ ...base, choices: [], usage: usageBody(turn) }) });
  }
  events.push({ data: "[DONE]" });
  return events;
}

/** The API's error body: `{ error: { message, type, param, code } }`. */
export function openaiErrorBody(status: number, message: string): Record<string, unknown> {
  const kind = errorKinds.get(status) ?? {
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
  };
  return { error: { message, type: kind.type, param: null, code: kind.code } };
}

export const openaiProtocol: WireProtocol = {
  name: "openai",
  path: "/v1/chat/completions",
  requestSchema: openaiRequestSchema,
  reply(turn: ScriptTurn, context: TurnContext): WireReply {
    if (context.request.stream) return { kind: "sse", events: openaiStreamEvents(turn, context) };
    return { kind: "json", status: 200, headers: {}, body: openaiCompletion(turn, context) };
  },
  errorReply(status: number, message: string, retryAfterSeconds?: number): WireReply {
    const headers = retryAfterHeaders(retryAfterSeconds, true);
    return { kind: "json", status, headers, body: openaiErrorBody(status, message) };
  },
};
