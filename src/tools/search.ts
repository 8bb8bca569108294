// search: a regular-expression search over the worktree's text files with `git grep`, run inside
// the sandbox like every other process a tool starts; file names are shown quoted when they hold
// controls or `:`, so a name cannot forge a match line.
import { z } from "zod";
import { formatDuration } from "../report/figures.ts";
import { formatCount } from "./file-text.ts";
import { shownName } from "./shown-name.ts";
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

interface GrepMatch {
  file: string;
  line: string;
  text: string;
}

/**
 * The matches of `git grep -n -z` output (`file NUL line NUL text LF`): names arrive raw, so a name
 * holding a newline or `:12:` is read whole; a record cut off by the output cap is dropped. Pure.
 */
export function parseGrepOutput(output: string): GrepMatch[] {
  const record = /([^\0]*)\0(\d+)\0([^\n]*)\n/y;
  const matches: GrepMatch[] = [];
  for (let found = record.exec(output); found !== null; found = record.exec(output)) {
    matches.push({ file: found[1]!, line: found[2]!, text: found[3]! });
  }
  return matches;
}

/** `file:line: text` for each match of git grep, capped in count and width; odd names quoted. */
export function formatMatches(output: string, cutByBytes: boolean): string {
  const lines = parseGrepOutput(output);
  const shown = lines.slice(0, maxSearchMatches).map(({ file, line, text }) => {
    // A name holding ":" is quoted too, so "a.ts:9: fake" cannot pass for a match on line 9 of a.ts.
    const full = `${shownName(file, ":")}:${line}: ${text}`;
    return full.length > maxMatchLineChars ? `${full.slice(0, maxMatchLineChars)} […]` : full;
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
    // -z: names raw and NUL-ended, so formatMatches reads them whole and quotes them itself.
    const args = ["grep", "--no-index", "--exclude-standard", "-n", "-z", "-I", "-E"];
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
    if (result.timedOut)
      return fail(`search timed out after ${formatDuration(searchTimeoutMs)}; narrow the path`);
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
