// The Anthropic Messages API (POST /v1/messages) as pure functions: a scripted turn becomes the
// message JSON or the SSE event sequence the API sends, and an error becomes its error body.
import { z } from "zod";
import type { ScriptFinishReason, ScriptTurn } from "./script.ts";
import {
  argumentsText,
  argumentsValue,
  finishReasonOf,
  retryAfterHeaders,
  type SseEvent,
  splitIntoDeltas,
  type TurnContext,
  usageOf,
  type WireProtocol,
  type WireReply,
} from "./wire-protocol.ts";

const stopReasons: Record<ScriptFinishReason, string> = {
  stop: "end_turn",
  "tool-calls": "tool_use",
  length: "max_tokens",
  "content-filter": "refusal",
};

const errorTypes: ReadonlyMap<number, string> = new Map([
  [400, "invalid_request_error"],
  [401, "authentication_error"],
  [403, "permission_error"],
  [404, "not_found_error"],
  [413, "request_too_large"],
  [429, "rate_limit_error"],
  [500, "api_error"],
  [529, "overloaded_error"],
]);

const anthropicRequestSchema = z
  .looseObject({
    model: z.string(),
    max_tokens: z.number(),
    messages: z.array(z.unknown()),
    stream: z.boolean().optional(),
  })
  .transform((body) => ({ model: body.model, stream: body.stream === true, includeUsage: false }));

function toolUseId(turn: ScriptTurn, context: TurnContext, index: number): string {
  return turn.toolCalls?.[index]?.id ?? `toolu_scripted_${context.turnIndex}_${index}`;
}

/** The non-streaming answer: one `message` object. */
export function anthropicMessage(turn: ScriptTurn, context: TurnContext): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (turn.text !== undefined) content.push({ type: "text", text: turn.text });
  (turn.toolCalls ?? []).forEach((call, index) => {
    // The API carries input as an object; raw text that is not JSON goes as a string, which the client rejects.
    content.push({
      type: "tool_use",
      id: toolUseId(turn, context, index),
      name: call.name,
      input: argumentsValue(call),
    });
  });
  const usage = usageOf(turn);
  return {
    id: `msg_scripted_${context.turnIndex}`,
    type: "message",
    role: "assistant",
    model: context.request.model,
    content,
    stop_reason: stopReasons[finishReasonOf(turn)],
    stop_sequence: null,
    usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
  };
}

function event(type: string, body: Record<string, unknown>): SseEvent {
  return { event: type, data: JSON.stringify({ type, ...body }) };
}

function contentBlockEvents(turn: ScriptTurn, context: TurnContext): SseEvent[] {
  const events: SseEvent[] = [];
  let index = 0;
  if (turn.text !== undefined) {
    events.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const text of splitIntoDeltas(turn.text)) {
      events.push(event("content_block_delta", { index, delta: { type: "text_delta", text } }));
    }
    events.push(event("content_block_stop", { index }));
    index += 1;
  }
  (turn.toolCalls ?? []).forEach((call, callIndex) => {
    const block = { type: "tool_use", id: toolUseId(turn, context, callIndex), name: call.name, input: {} };
    events.push(event("content_block_start", { index, content_block: block }));
    // The API opens every tool input with an empty fragment before the JSON pieces.
    for (const partial_json of ["", ...splitIntoDeltas(argumentsText(call))]) {
      events.push(event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } }));
    }
    events.push(event("content_block_stop", { index }));
    index += 1;
  });
  return events;
}

/** The streaming answer: message_start, ping, one block per text or tool call, message_delta, message_stop. */
export function anthropicStreamEvents(turn: ScriptTurn, context: TurnContext): SseEvent[] {
  const usage = usageOf(turn);
  const message = { ...anthropicMessage(turn, context), content: [], stop_reason: null };
  return [
    event("message_start", {
      message: { ...message, usage: { input_tokens: usage.inputTokens, output_tokens: 0 } },
    }),
    event("ping", {}),
    ...contentBlockEvents(turn, context),
    event("message_delta", {
      delta: { stop_reason: stopReasons[finishReasonOf(turn)], stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    }),
    event("message_stop", {}),
  ];
}

/** The API's error body: `{ type: "error", error: { type, message } }`. */
export function anthropicErrorBody(status: number, message: string): Record<string, unknown> {
  const type = errorTypes.get(status) ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { type: "error", error: { type, message } };
}

export const anthropicProtocol: WireProtocol = {
  name: "anthropic",
  path: "/v1/messages",
  requestSchema: anthropicRequestSchema,
  reply(turn: ScriptTurn, context: TurnContext): WireReply {
    if (context.request.stream) return { kind: "sse", events: anthropicStreamEvents(turn, context) };
    return { kind: "json", status: 200, headers: {}, body: anthropicMessage(turn, context) };
  },
  errorReply(status: number, message: string, retryAfterSeconds?: number): WireReply {
    const headers = retryAfterHeaders(retryAfterSeconds, false);
    return { kind: "json", status, headers, body: anthropicErrorBody(status, message) };
  },
};
