// The one wrapper every tool call goes through: validate the arguments with the tool's schema,
// turn thrown errors into results the model can act on, and cap the output it is shown.
import type { z } from "zod";
import { SlipwayError } from "../core/errors.ts";
import { formatCount } from "./file-text.ts";
import type { AgentTool, ToolContext, ToolResult } from "./tool.ts";
import { fail } from "./tool.ts";

export interface RunToolOptions {
  /** Longest text the model is shown; longer output keeps its head and tail around a cut note. */
  maxOutputChars: number;
}

/** Issues named at most in an invalid-input message. */
const maxIssuesShown = 3;
/** Characters set aside for the cut note, so head + note + tail stays within the limit. */
const cutNoteReserve = 40;
/** A cut moves to a line boundary when one lies within this share of the kept window. */
const lineSnapShare = 0.2;

/** One line naming each bad field (`startLine: expected number, received string`). */
export function describeInvalidInput(toolName: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, maxIssuesShown).map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "arguments";
    return `${field}: ${issue.message.replace(/^Invalid input: /, "")}`;
  });
  const more = issues.length > maxIssuesShown ? `; and ${issues.length - maxIssuesShown} more` : "";
  return `invalid arguments for ${toolName}: ${parts.join("; ")}${more}; fix them and call ${toolName} again`;
}

/**
 * Keep the head and the tail of `text` within `maxChars`, with an explicit note of how many
 * characters were cut in between. Cuts snap to line boundaries when one is close.
 */
export function truncateOutput(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const budget = Math.max(maxChars - cutNoteReserve, 0);
  let headEnd = Math.ceil(budget / 2);
  let tailStart = text.length - (budget - headEnd);
  const headBreak = text.lastIndexOf("\n", headEnd - 1);
  if (headBreak >= 0 && headEnd - headBreak <= headEnd * lineSnapShare) headEnd = headBreak + 1;
  const tailBreak = text.indexOf("\n", tailStart);
  if (tailBreak >= 0 && tailBreak + 1 - tailStart <= (text.length - tailStart) * lineSnapShare) {
    tailStart = tailBreak + 1;
  }
  const cut = tailStart - headEnd;
  const head = text.slice(0, headEnd);
  const tail = text.slice(tailStart);
  const before = head === "" || head.endsWith("\n") ? "" : "\n";
  const after = tail === "" || tail.startsWith("\n") ? "" : "\n";
  return `${head}${before}[… ${formatCount(cut)} characters cut …]${after}${tail}`;
}

function describeThrown(toolName: string, error: unknown): string {
  if (SlipwayError.isInstance(error)) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `internal error in ${toolName}: ${message}`;
}

/** Validate `rawInput`, run `tool`, and return a result safe to show the model. Never throws. */
export async function runTool<Input>(
  tool: AgentTool<Input>,
  rawInput: unknown,
  context: ToolContext,
  options: RunToolOptions,
): Promise<ToolResult> {
  // A call without arguments arrives as undefined; for a tool taking none that is an empty object.
  const parsed = tool.inputSchema.safeParse(rawInput ?? {});
  if (!parsed.success) return fail(describeInvalidInput(tool.name, parsed.error.issues));
  let result: ToolResult;
  try {
    result = await tool.run(parsed.data, context);
  } catch (error) {
    result = fail(describeThrown(tool.name, error));
  }
  return { ...result, text: truncateOutput(result.text, options.maxOutputChars) };
}
