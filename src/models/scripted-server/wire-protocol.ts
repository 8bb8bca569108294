// What the two wire protocols share: the reply a protocol builds for a turn, the contract each
// protocol implements, and the pure helpers both use (finish reason, usage, delta splitting).
import type { z } from "zod";
import {
  defaultUsage,
  type ScriptFinishReason,
  type ScriptToolCall,
  type ScriptTurn,
  type ScriptUsage,
} from "./script.ts";

/** One server-sent event: `event:` line (Anthropic names its events; OpenAI does not) and `data:` line. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** A whole HTTP answer, built by a pure function and written by the server. */
export type WireReply =
  | { kind: "json"; status: number; headers: Record<string, string>; body: unknown }
  | { kind: "sse"; events: SseEvent[] };

/** The few request fields the server reads; the rest is recorded as sent. */
export interface WireRequest {
  model: string;
  stream: boolean;
  /** OpenAI only: the client asked for a final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
}

export interface TurnContext {
  /** Index of the turn in the script, for deterministic ids. */
  turnIndex: number;
  /** When the answer is made, in Unix seconds (OpenAI's `created`). */
  createdAtSeconds: number;
  request: WireRequest;
}

export type ProtocolName = "anthropic" | "openai";

/** One wire protocol: where it is served, how its requests look, how it answers and fails. */
export interface WireProtocol {
  name: ProtocolName;
  /** The POST path it answers, e.g. `/v1/messages`. */
  path: string;
  requestSchema: z.ZodType<WireRequest>;
  /** The answer to a non-error turn, streaming or not as the request asked. */
  reply(turn: ScriptTurn, context: TurnContext): WireReply;
  /** An HTTP error with the protocol's error body and, when given, retry-after headers. */
  errorReply(status: number, message: string, retryAfterSeconds?: number): WireReply;
}

export function usageOf(turn: ScriptTurn): ScriptUsage {
  return turn.usage ?? defaultUsage;
}

export function finishReasonOf(turn: ScriptTurn): ScriptFinishReason {
  if (turn.finishReason) return turn.finishReason;
  return (turn.toolCalls?.length ?? 0) > 0 ? "tool-calls" : "stop";
}

/** The arguments exactly as they go on the wire: the raw characters, or the input as JSON. */
export function argumentsText(call: ScriptToolCall): string {
  return call.rawInput ?? JSON.stringify(call.input ?? {});
}

/** The arguments as a value, for a protocol that carries them parsed; raw text that is not JSON stays a string. */
export function argumentsValue(call: ScriptToolCall): unknown {
  if (call.rawInput === undefined) return call.input ?? {};
  try {
    return JSON.parse(call.rawInput);
  } catch {
    // Not JSON: the client receives the characters as a string and must reject the call itself.
    return call.rawInput;
  }
}

/** Split text into up to `parts` consecutive pieces, so clients must join deltas as they would for a real model. */
export function splitIntoDeltas(text: string, parts = 3): string[] {
  // Split by code point so no piece ends inside a surrogate pair.
  const characters = Array.from(text);
  const size = Math.ceil(characters.length / parts);
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size) {
    pieces.push(characters.slice(start, start + size).join(""));
  }
  return pieces;
}

/** Headers that tell a client when to retry; `retry-after` in whole seconds as HTTP defines it. */
export function retryAfterHeaders(
  retryAfterSeconds: number | undefined,
  withMilliseconds: boolean,
): Record<string, string> {
  if (retryAfterSeconds === undefined) return {};
  const headers: Record<string, string> = { "retry-after": String(Math.ceil(retryAfterSeconds)) };
  if (withMilliseconds) headers["retry-after-ms"] = String(Math.round(retryAfterSeconds * 1000));
  return headers;
}
