// The state of one agent conversation, carried across pipeline stages (agent ⇄ gate).
import type { ModelMessage, ToolResultPart } from "ai";
import { emptyUsage, type Usage } from "../core/run.ts";
import type { InstructionsState } from "./instructions-disclosure.ts";

export interface AgentSession {
  messages: ModelMessage[];
  /** Model calls made so far in the run. */
  turns: number;
  usage: Usage;
  /** A finish call waiting for the gate's verdict; its tool result is the verdict. */
  pendingFinish?: { toolCallId: string; toolName: string };
  /** Results of other calls made in the same step as finish; sent together with its result. */
  pendingResults?: ToolResultPart[];
  /** The repository's nested instructions still to show, and the folders already shown. */
  instructions?: InstructionsState;
}

export function newAgentSession(taskMessage: string, instructions?: InstructionsState): AgentSession {
  return {
    messages: [{ role: "user", content: taskMessage }],
    turns: 0,
    usage: { ...emptyUsage },
    ...(instructions ? { instructions } : {}),
  };
}

/** Answer a pending finish call (or, if there is none, say it as a user message). */
export function answerFinish(session: AgentSession, text: string): void {
  const pending = session.pendingFinish;
  const others = session.pendingResults ?? [];
  session.pendingFinish = undefined;
  session.pendingResults = undefined;
  if (!pending) {
    session.messages.push({ role: "user", content: text });
    return;
  }
  const finishResult: ToolResultPart = {
    type: "tool-result",
    toolCallId: pending.toolCallId,
    toolName: pending.toolName,
    output: { type: "text", value: text },
  };
  session.messages.push({ role: "tool", content: [...others, finishResult] });
}
