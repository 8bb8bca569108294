// Runs the tool calls of one model step in order and appends their results to the conversation.
// A finish call is held open: its result is the gate's verdict, given in the next agent stage.
import type { ToolResultPart } from "ai";
import type { RequestedToolCall } from "../models/model-call.ts";
import { runTool } from "../tools/run-tool.ts";
import type { ToolResult } from "../tools/tool.ts";
import type { AgentLoopOptions } from "./agent-loop.ts";
import type { AgentSession } from "./agent-session.ts";

async function runOneCall(call: RequestedToolCall, options: AgentLoopOptions): Promise<ToolResult> {
  if (call.invalidReason) {
    const known = [...options.tools.keys()].join(", ");
    const text = options.tools.has(call.toolName)
      ? `error: the arguments of ${call.toolName} were not valid JSON (${call.invalidReason}); send a JSON object matching its schema`
      : `error: there is no tool named "${call.toolName}"; the tools are: ${known}`;
    return { text, isError: true };
  }
  const tool = options.tools.get(call.toolName)!;
  return untilAborted(
    runTool(tool, call.input, options.toolContext, { maxOutputChars: options.toolOutputChars }),
    options.toolContext.signal,
  );
}

/**
 * `work`, or an error result as soon as `signal` fires (the run was stopped or its wall time is up),
 * whichever comes first: a tool stuck where its own timeout cannot reach (a blocking open) does not
 * hold the run past its deadline. The loop's next limit check then ends the run.
 */
export function untilAborted(work: Promise<ToolResult>, signal: AbortSignal): Promise<ToolResult> {
  const stopped: ToolResult = {
    text: "error: the run's time is up; the tool call was abandoned",
    isError: true,
  };
  if (signal.aborted) {
    // The abandoned call may still settle later; its result, or its error, is no longer wanted.
    work.catch(() => undefined);
    return Promise.resolve(stopped);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => undefined);
      resolve(stopped);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** `result` with the repository's guidance for the file it touched appended, the first time it is due. */
async function withGuidance(result: ToolResult, options: AgentLoopOptions): Promise<ToolResult> {
  if (result.isError || !result.touchedPath || !options.discloseInstructions) return result;
  const guidance = await options.discloseInstructions(result.touchedPath);
  return guidance ? { ...result, text: `${result.text}\n\n${guidance}` } : result;
}

/** Execute `calls`; returns the finish summary when one of them was a valid finish call. */
export async function dispatchToolCalls(
  session: AgentSession,
  calls: RequestedToolCall[],
  options: AgentLoopOptions,
): Promise<{ summary: string } | undefined> {
  const results: ToolResultPart[] = [];
  let finish: { summary: string; call: RequestedToolCall } | undefined;
  for (const call of calls) {
    await options.record("tool-call", {
      turn: session.turns,
      id: call.toolCallId,
      name: call.toolName,
      input: call.input,
    });
    const result = await withGuidance(await runOneCall(call, options), options);
    if (result.finish && !result.isError) {
      finish = { summary: result.finish.summary, call };
      await options.record("tool-result", {
        id: call.toolCallId,
        name: call.toolName,
        isError: false,
        text: "finish accepted: running the gate",
      });
      continue;
    }
    await options.record("tool-result", {
      id: call.toolCallId,
      name: call.toolName,
      isError: result.isError,
      text: result.text,
    });
    results.push({
      type: "tool-result",
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      output: result.isError
        ? { type: "error-text", value: result.text }
        : { type: "text", value: result.text },
    });
  }
  if (finish) {
    session.pendingFinish = { toolCallId: finish.call.toolCallId, toolName: finish.call.toolName };
    // Results of the other calls of this step go first; the finish result joins them later.
    if (results.length > 0) session.pendingResults = results;
    return { summary: finish.summary };
  }
  session.messages.push({ role: "tool", content: results });
  return undefined;
}
