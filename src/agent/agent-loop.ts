// The built-in agent loop: one model call per step, then the tools it asked for, until it calls
// finish or a limit ends the run. Limits are enforced here, never left to the prompt.
import type { LanguageModel, ToolSet } from "ai";
import type { Price } from "../config/config-schema.ts";
import { ModelError } from "../core/errors.ts";
import type { RecordRunEvent } from "../core/events/run-events.ts";
import { addUsage, emptyUsage, type RunLimits, type Usage } from "../core/run.ts";
import { callModel, type ModelCallResult } from "../models/model-call.ts";
import { checkLimits, type LimitOutcome } from "../models/run-limits.ts";
import type { AgentTool, ToolContext } from "../tools/tool.ts";
import type { AgentSession } from "./agent-session.ts";
import { dispatchToolCalls } from "./tool-dispatch.ts";

export type RecordEvent = RecordRunEvent;

export interface AgentLoopOptions {
  model: LanguageModel;
  price: Price | undefined;
  system: string;
  tools: ReadonlyMap<string, AgentTool>;
  modelTools: ToolSet;
  toolContext: ToolContext;
  toolOutputChars: number;
  limits: RunLimits;
  /** When the run started (epoch ms): the wall-time limit counts from here. */
  runStartedAt: number;
  /** What the run spent outside this loop (the judge's calls); it counts toward the limits too. */
  otherUsage?: Usage;
  record: RecordEvent;
  /**
   * Saves the run's turns and usage after every model call, so a run stopped or killed in the
   * middle of the loop keeps what it spent (stats would otherwise undercount it).
   */
  saveUsage?: (turns: number, usage: Usage) => Promise<void>;
  signal: AbortSignal;
  /** Retries of one model call for transient errors (the provider library backs off). */
  modelRetries: number;
  /** Guidance to append to the result of a call that read or edited `touchedPath`, if any is due. */
  discloseInstructions?: (touchedPath: string) => Promise<string | undefined>;
}

export type AgentLoopResult =
  | { kind: "finished"; summary: string }
  | { kind: "limit"; outcome: LimitOutcome; detail: string }
  | { kind: "model_failed"; detail: string };

/** Longest a single model call may take, whatever time the run has left. */
const modelCallCapMs = 10 * 60_000;

async function modelStep(
  session: AgentSession,
  options: AgentLoopOptions,
  remainingMs: number,
): Promise<ModelCallResult> {
  session.turns += 1;
  await options.record("model-request", { turn: session.turns, messages: session.messages.length });
  const result = await callModel({
    model: options.model,
    system: options.system,
    messages: session.messages,
    tools: options.modelTools,
    price: options.price,
    signal: options.signal,
    timeoutMs: Math.max(1_000, Math.min(remainingMs, modelCallCapMs)),
    maxRetries: options.modelRetries,
    // Announced so the trace and the watcher show why the run waits (never blocks the call).
    onRetry: (retry) =>
      void options.record("model-retry", { turn: session.turns, ...retry }).catch(() => undefined),
  });
  session.usage = addUsage(session.usage, result.usage);
  await options.saveUsage?.(session.turns, session.usage);
  await options.record("model-response", {
    turn: session.turns,
    text: result.text,
    toolCalls: result.toolCalls,
    finishReason: result.finishReason,
    usage: result.usage,
    totalUsage: session.usage,
    durationMs: result.durationMs,
  });
  return result;
}

function appendAssistantMessage(session: AgentSession, result: ModelCallResult): void {
  const content = [
    ...(result.text ? [{ type: "text" as const, text: result.text }] : []),
    ...result.toolCalls.map((call) => ({
      type: "tool-call" as const,
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      // An unparsable input is replaced by {} so the history stays valid for the provider.
      input: call.invalidReason ? {} : call.input,
    })),
  ];
  session.messages.push({ role: "assistant", content: content.length > 0 ? content : "" });
}

/** Run model steps until finish, a limit, or a model failure. Mutates `session`. */
export async function runAgentLoop(
  session: AgentSession,
  options: AgentLoopOptions,
): Promise<AgentLoopResult> {
  for (;;) {
    const elapsed = Date.now() - options.runStartedAt;
    const spent = addUsage(session.usage, options.otherUsage ?? emptyUsage);
    const breach = checkLimits(options.limits, session.turns, spent, elapsed);
    if (breach) {
      await options.record("limit-reach", { ...breach });
      return { kind: "limit", ...breach };
    }
    let result: ModelCallResult;
    try {
      result = await modelStep(session, options, options.limits.maxMinutes * 60_000 - elapsed);
    } catch (error) {
      if (options.signal.aborted) throw error;
      // By code: isInstance is SlipwayError's, true for any Slipway error (a store write that failed
      // inside the step is the store's failure, not the model's).
      if (!ModelError.isInstance(error) || !error.code.startsWith("model_")) throw error;
      const timedOut = Date.now() - options.runStartedAt >= options.limits.maxMinutes * 60_000;
      if (timedOut)
        return {
          kind: "limit",
          outcome: "time_limit",
          detail: `wall time reached ${options.limits.maxMinutes} min`,
        };
      await options.record("model-fail", { message: error.message });
      return { kind: "model_failed", detail: error.message };
    }
    appendAssistantMessage(session, result);
    if (result.toolCalls.length === 0) {
      session.messages.push({
        role: "user",
        content: "Continue with the tools. When the end state is reached, call finish with a summary.",
      });
      continue;
    }
    const finish = await dispatchToolCalls(session, result.toolCalls, options);
    if (finish) return { kind: "finished", summary: finish.summary };
  }
}
