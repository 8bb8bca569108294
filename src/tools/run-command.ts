// run_command: runs one allowlisted program in the sandbox, without a shell, and reports how it ended.
import { z } from "zod";
import { formatDuration } from "../report/figures.ts";
import type { ExecResult } from "../sandbox/sandbox.ts";
import { stripWorktreePrefixes, worktreeSpellings } from "../verify/finding-paths.ts";
import { formatArgv, matchAllowlist, parseCommandLine } from "./command-line.ts";
import { formatCount } from "./file-text.ts";
import { defineTool, fail, ok } from "./tool.ts";

/** Output kept from the process; the tool wrapper then cuts it to what the model is shown. */
export const commandOutputBytes = 4 * 1024 * 1024;

const RunCommandInput = z.object({
  command: z
    .string()
    .min(1)
    .describe("One command line, e.g. `npm test`; no shell: pipes, redirection, && and $VARS are refused"),
});

function describeEnding(result: ExecResult, timeoutMs: number): string {
  if (result.timedOut) return `timed out after ${formatDuration(timeoutMs)}; the process was killed`;
  if (result.exitCode === null) return `killed by ${result.signal ?? "a signal"}`;
  return `exit code ${result.exitCode}`;
}

export const runCommandTool = defineTool({
  name: "run_command",
  description:
    "Run one allowlisted program in the repository root, without a shell. Reports exit code and output.",
  inputSchema: RunCommandInput,
  async run(input, context) {
    const parsed = parseCommandLine(input.command);
    if (!parsed.ok) return fail(`refused: ${parsed.reason}`);
    const allowed = context.commandAllowlist.length > 0 ? context.commandAllowlist.join(", ") : "(none)";
    if (!matchAllowlist(parsed.argv, context.commandAllowlist)) {
      return fail(
        `refused: "${formatArgv(parsed.argv)}" is not allowed; allowed commands start with: ${allowed}`,
      );
    }
    const [command, ...args] = parsed.argv as [string, ...string[]];
    const result = await context.sandbox.exec({
      command,
      args,
      timeoutMs: context.commandTimeoutMs,
      maxOutputBytes: commandOutputBytes,
      signal: context.signal,
      // The agent's own command: it enters the run's long-lived process space.
      processSpace: "run",
    });
    const ending = describeEnding(result, context.commandTimeoutMs);
    // The worktree is mounted at its host path: show repository-relative paths, not the data dir's.
    const printed = stripWorktreePrefixes(result.output, await worktreeSpellings(context.sandbox.worktree));
    const output = printed.trimEnd() === "" ? "(no output)" : printed.trimEnd();
    const dropped = result.truncated
      ? `\n[output beyond ${formatCount(commandOutputBytes)} bytes was dropped]`
      : "";
    const text = `$ ${formatArgv(parsed.argv)}\n${ending}\n${output}${dropped}`;
    // A non-zero exit is information the model acts on, not a failed tool call; a timeout is.
    return result.timedOut ? fail(text) : ok(text);
  },
});
