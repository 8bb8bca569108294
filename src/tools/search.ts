// search: a regular-expression search over the worktree's text files with `git grep`, run inside
// the sandbox like every other process a tool starts.
import { z } from "zod";
import { formatCount } from "./file-text.ts";
import { defineTool, fail, ok } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

/** Matching lines shown at most. */
export const maxSearchMatches = 200;
/** A matching line longer than this (minified code) is shortened. */
const maxMatchLineChars = 300;
const searchTimeoutMs = 60_000;
const searchOutputBytes = 4 * 1024 * 1024;

const SearchInput = z.object({
  pattern: z.string().min(1).describe("Extended regular expression (as in grep -E) to look for"),
  path: z
    .string()
    .optional()
    .describe('File or directory to search, relative to the repository root (default ".")'),
  caseSensitive: z.boolean().optional().describe("Match letter case exactly (default true)"),
});

/** `file:line: text` for each `file:line:text` line of git grep, capped in count and width. */
export function formatMatches(output: string, cutByBytes: boolean): string {
  const lines = output.split("\n").filter((line) => line !== "");
  const shown = lines.slice(0, maxSearchMatches).map((line) => {
    const match = /^(.*?):(\d+):(.*)$/.exec(line);
    const text = match ? `${match[1]}:${match[2]}: ${match[3]}` : line;
    return text.length > maxMatchLineChars ? `${text.slice(0, maxMatchLineChars)} […]` : text;
  });
  const total = cutByBytes ? `more than ${formatCount(lines.length)}` : formatCount(lines.length);
  const header = `${total} matching ${lines.length === 1 && !cutByBytes ? "line" : "lines"}`;
  const note =
    lines.length > maxSearchMatches || cutByBytes
      ? `\n[showing the first ${formatCount(shown.length)}; narrow the pattern or the path]`
      : "";
  return `${header}\n${shown.join("\n")}${note}`;
}

export const searchTool = defineTool({
  name: "search",
  description:
    "Search text files for a regular expression (git grep -E; honours .gitignore). Shows file:line: text.",
  inputSchema: SearchInput,
  async run(input, context) {
    const target = resolveToolPath(context.worktree, input.path ?? ".");
    // -e keeps a pattern that starts with "-" from being read as an option.
    const args = ["grep", "--no-index", "--exclude-standard", "-n", "-I", "-E"];
    if (input.caseSensitive === false) args.push("-i");
    args.push("-e", input.pattern, "--", target.relative);
    const result = await context.sandbox.exec({
      command: "git",
      args,
      timeoutMs: searchTimeoutMs,
      maxOutputBytes: searchOutputBytes,
      signal: context.signal,
      // The agent's own command: it enters the run's long-lived process space.
      processSpace: "run",
    });
    if (result.timedOut) return fail(`search timed out after ${searchTimeoutMs / 1000}s; narrow the path`);
    if (result.exitCode === 1 && result.stdout === "") {
      return ok(`no matches for /${input.pattern}/ in ${target.relative}`);
    }
    if (result.exitCode !== 0) {
      const reason = result.stderr.trim().split("\n")[0] ?? "";
      return fail(`search failed (exit code ${result.exitCode}): ${reason || "no message"}`);
    }
    return ok(formatMatches(result.stdout, result.truncated));
  },
});
