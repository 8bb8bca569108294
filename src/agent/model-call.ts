// One model call: send the conversation, get text and tool calls back, account usage and cost.
// Transient errors (429, 5xx, resets) are retried by the provider library, honouring retry-after.
import { APICallError, generateText, type LanguageModel, type ModelMessage, type ToolSet } from "ai";
import type { Price } from "../config/config-schema.ts";
import { ModelError } from "../core/errors.ts";
import type { Usage } from "../core/run.ts";
import { costOf } from "../models/price-table.ts";

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
}

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

/** Call the model once. Throws ModelError when the provider fails after its retries. */
export async function callModel(request: ModelCallRequest): Promise<ModelCallResult> {
  const started = performance.now();
  try {
    const result = await generateText({
      model: request.model,
      system: request.system,
      messages: request.messages,
      tools: request.tools,
      maxRetries: request.maxRetries,
      maxOutputTokens: request.maxOutputTokens ?? defaultMaxOutputTokens,
      abortSignal: request.signal,
      timeout: request.timeoutMs,
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
  } catch (error) {
    if (request.signal.aborted) throw error;
    const status = APICallError.isInstance(error) ? ` (HTTP ${error.statusCode})` : "";
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ModelError(`model call failed${status}: ${reason}`, { cause: error });
  }
}
