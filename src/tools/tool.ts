// The agent tool contract: a schema next to its handler. defineTool's wrapper (run-tool.ts)
// validates arguments and caps output, so handlers only do their one job.
import type { z } from "zod";
import type { Sandbox } from "../sandbox/sandbox.ts";

/** What a tool handler may use. Everything is scoped to one run's worktree. */
export interface ToolContext {
  /** Absolute path of the run's worktree; every path a tool touches resolves inside it. */
  worktree: string;
  /** Every process a tool starts goes through this sandbox. */
  sandbox: Sandbox;
  /** Programs (or program + leading arguments, e.g. `npm test`) the `run_command` tool may start. */
  commandAllowlist: string[];
  /** Per-command time limit for `run_command`. */
  commandTimeoutMs: number;
  /** The run's mirror, where the `git` tool finds the worktree's git metadata; absent: no git tool. */
  mirrorPath?: string;
  /** Runs the repository's fast verifiers and returns the concise summary shown to the agent. */
  verify: (signal: AbortSignal) => Promise<string>;
  signal: AbortSignal;
}

/** What a tool call produced. `finish` is set only by the finish tool. */
export interface ToolResult {
  text: string;
  isError: boolean;
  finish?: { summary: string };
  /**
   * The file (relative to the root) a successful read or edit touched; the agent loop appends the
   * repository's guidance for its folder the first time one is touched.
   */
  touchedPath?: string;
}

export interface AgentTool<Input = unknown> {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  run(input: Input, context: ToolContext): Promise<ToolResult>;
}

/** Declare a tool with its input type inferred from the schema. */
export function defineTool<Input>(tool: {
  name: string;
  description: string;
  inputSchema: z.ZodType<Input>;
  run(input: Input, context: ToolContext): Promise<ToolResult>;
}): AgentTool<Input> {
  return tool;
}

export function ok(text: string): ToolResult {
  return { text, isError: false };
}

export function fail(text: string): ToolResult {
  return { text, isError: true };
}
