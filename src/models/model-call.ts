// One model call: send the conversation, get text and tool calls back, account usage and cost.
// Transient errors (429, 5xx, resets) are retried here, honouring retry-after, and each retry is
// announced (onRetry) so a watcher sees why nothing happens instead of half a minute of silence.
import { setTimeout as sleep } from "node:timers/promises";
import { APICallError, generateText, type LanguageModel, type ModelMessage, type ToolSet } from "ai";
import type { Price } from "../config/config-schema.ts";
import { ModelError } from "../core/errors.ts";
import type { Usage } from "../core/run.ts";
import { costOf } from "./price-table.ts";

const defaultMaxOutputTokens = 8192;

export interface ModelCallRequest {
  model: LanguageModel;
  system: string;
  messages: ModelMessage[];
  tools: ToolSet;
  price: Price | undefined;
  signal: AbortSignal;
  /** Upper bound for one call, retries included. */
  timeoutMs: number;
  maxRetries: number;
  /** Cap on the answer's tokens; default 8192. */
  maxOutputTokens?: number;
  /** Told before each retry: what failed, how long the wait is, which attempt comes next. */
  onRetry?: (retry: ModelRetry) => void;
}

/** One announced retry of a model call (recorded as the `model-retry` event). */
export interface ModelRetry {
  /** The attempt about to start, counting the first: 2 for the first retry. */
  attempt: number;
  /** Attempts allowed in all (1 + maxRetries). */
  attempts: number;
  delayMs: number;
  /** The failure being retried, one line. */
  reason: string;
}

// The AI SDK's backoff: 2 s, doubling; a server's retry-after is honoured when under a minute.
const initialRetryDelayMs = 2_000;
const longestHonouredRetryAfterMs = 60_000;

export interface RequestedToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  /** Set when the provider library could not parse the call (unknown tool, bad JSON). */
  invalidReason?: string;
}

export interface ModelCallResult {
  text: string;
  toolCalls: RequestedToolCall[];
  finishReason: string;
  usage: Usage;
  durationMs: number;
}

function invalidReason(call: {
  invalid?: boolean;
  error?: unknown;
  toolName: string;
  input: unknown;
}): string | undefined {
  // Some provider paths hand unparseable arguments through as the raw string instead of flagging them.
  if (typeof call.input === "string") return unparseableJson(call.input);
  if (!call.invalid) return undefined;
  const message = call.error instanceof Error ? call.error.message : String(call.error);
  return message.split("\n")[0] ?? `invalid call of ${call.toolName}`;
}

function unparseableJson(raw: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null ? undefined : "the arguments are not a JSON object";
  } catch (error) {
    return error instanceof Error ? error.message : "unparseable arguments";
  }
}

/** Arguments handed through as a JSON string are parsed; anything else is kept as given. */
function parsedInput(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

/** How long to wait before retry number `retry` (1-based) after `error`. */
export function retryDelayMs(error: APICallError, retry: number): number {
  const backoff = initialRetryDelayMs * 2 ** (retry - 1);
  const headers = error.responseHeaders ?? {};
  const milliseconds = Number.parseFloat(headers["retry-after-ms"] ?? "");
  const after = headers["retry-after"] ?? "";
  // retry-after is seconds or an HTTP date.
  const seconds = Number.parseFloat(after);
  const fromAfter = Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
  const asked = Number.isNaN(milliseconds) ? fromAfter : milliseconds;
  return asked >= 0 && asked < longestHonouredRetryAfterMs ? asked : backoff;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message.split("\n")[0] : String(error)) ?? "unknown error";
}

/** Call the model, retrying transient failures. Throws ModelError when it still fails. */
export async function callModel(request: ModelCallRequest): Promise<ModelCallResult> {
  const started = performance.now();
  const attempts = 1 + request.maxRetries;
  for (let attempt = 1; ; attempt++) {
    const remainingMs = request.timeoutMs - (performance.now() - started);
    try {
      return await callOnce(request, Math.max(1, Math.floor(remainingMs)), started);
    } catch (error) {
      if (request.signal.aborted) throw error;
      const retryable = APICallError.isInstance(error) && error.isRetryable;
      const delayMs = retryable ? retryDelayMs(error, attempt) : 0;
      const timeLeft = request.timeoutMs - (performance.now() - started) - delayMs > 0;
      if (!retryable || attempt >= attempts || !timeLeft) throw modelError(error, attempt);
      request.onRetry?.({ attempt: attempt + 1, attempts, delayMs, reason: failureText(error) });
      await sleep(delayMs, undefined, { signal: request.signal });
    }
  }
}

function failureText(error: unknown): string {
  const status = APICallError.isInstance(error) && error.statusCode ? `HTTP ${error.statusCode}: ` : "";
  return `${status}${firstLine(error)}`;
}

function modelError(error: unknown, attempts: number): ModelError {
  const status = APICallError.isInstance(error) && error.statusCode ? ` (HTTP ${error.statusCode})` : "";
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  return new ModelError(`model call failed${status}${tries}: ${firstLine(error)}`, { cause: error });
}

async function callOnce(
  request: ModelCallRequest,
  timeoutMs: number,
  started: number,
): Promise<ModelCallResult> {
  const result = await generateText({
    model: request.model,
    system: request.system,
    messages: request.messages,
    tools: request.tools,
    // Retries are ours (above), so each one can be announced.
    maxRetries: 0,
    maxOutputTokens: request.maxOutputTokens ?? defaultMaxOutputTokens,
    abortSignal: request.signal,
    timeout: timeoutMs,
  });
  const inputTokens = result.usage.inputTokens ?? 0;
  const outputTokens = result.usage.outputTokens ?? 0;
  return {
    text: result.text,
    toolCalls: result.toolCalls.map((call) => ({
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      input: parsedInput(call.input),
      invalidReason: invalidReason(
        call as { invalid?: boolean; error?: unknown; toolName: string; input: unknown },
      ),
    })),
    finishReason: result.finishReason,
    usage: { inputTokens, outputTokens, costUsd: costOf(request.price, inputTokens, outputTokens) },
    durationMs: Math.round(performance.now() - started),
  };
}
