// git: the agent's read-only git — status, diff, log and show, run by the platform with the
// hardened runGit against the worktree's admin directory in the mirror (never a `.git` the agent
// can edit), with allowlisted options, paths inside the worktree, revisions only from the run's own
// history (passed to git as commit ids) and capped output. It writes no index entry and no object.
import { existsSync } from "node:fs";
import { z } from "zod";
import { GitCommandError, type RunGitOptions, runGit } from "../workspace/git.ts";
import { commitInRunHistory } from "../workspace/run-history.ts";
import { worktreeGitOptions } from "../workspace/worktree-admin.ts";
import { formatArgv } from "./command-line.ts";
import { formatCount } from "./file-text.ts";
import { type GitRequest, gitToolArgv, gitToolCommands, parseGitArguments } from "./git-arguments.ts";
import { diffBudgetProblem, diffReadsContent } from "./git-diff-budget.ts";
import { formatRevision, namedEndpoints } from "./git-revisions.ts";
import { defineTool, fail, ok, type ToolContext } from "./tool.ts";
import { resolveToolPath } from "./tool-paths.ts";

/** Output beyond this ends the call with a note to narrow it (the wrapper then caps what is shown). */
export const gitOutputBytes = 1024 * 1024;
const gitTimeoutMs = 60_000;

const GitInput = z.object({
  command: z.enum(gitToolCommands).describe("status, diff, log or show"),
  args: z
    .array(z.string().max(500))
    .max(64)
    .default([])
    .describe("options, revisions and paths, e.g. ['--cached', '--', 'src/a.ts'] or ['-n', '5', '--stat']"),
});

/** Resolve each path inside the worktree, as paths relative to its root. */
function relativePaths(context: ToolContext, request: GitRequest): string[] {
  return request.paths.map((requested) => resolveToolPath(context.worktree, requested).relative);
}

function existsInWorktree(worktree: string, word: string): boolean {
  try {
    return existsSync(resolveToolPath(worktree, word).absolute);
  } catch {
    // A word that would leave the worktree is not a path here; as a revision it is checked next.
    return false;
  }
}

/** Every revision with its commits as ids, or why one is refused (another branch, a stash, unknown). */
async function resolveRevisions(
  request: GitRequest,
  options: RunGitOptions,
  signal: AbortSignal,
): Promise<{ ok: true; revisions: string[] } | { ok: false; reason: string }> {
  const commits = new Map<string, string>();
  for (const endpoint of new Set(request.revisions.flatMap(namedEndpoints))) {
    const found = await commitInRunHistory(options, endpoint, signal);
    if (!found.ok) return found;
    commits.set(endpoint, found.commit);
  }
  return { ok: true, revisions: request.revisions.map((revision) => formatRevision(revision, commits)) };
}

/** For a `diff` that would hash worktree content: why it is refused (too much to hash on the host), if it is. */
async function diffTooLarge(
  context: ToolContext,
  request: GitRequest,
  paths: string[],
  revisions: string[],
  options: RunGitOptions,
): Promise<string | undefined> {
  if (request.command !== "diff" || !diffReadsContent(request.options)) return undefined;
  const cached = request.options.includes("--cached") || request.options.includes("--staged");
  return diffBudgetProblem(context.worktree, { options, revisions, paths, cached, signal: context.signal });
}

function describeFailure(error: unknown, command: string): string {
  if (error instanceof GitCommandError && /bytes of output/.test(error.message)) {
    return `git ${command} printed more than ${formatCount(gitOutputBytes)} bytes; narrow it with paths, --stat, --name-only or -n`;
  }
  return error instanceof Error ? error.message : String(error);
}

export const gitTool = defineTool({
  name: "git",
  description:
    "Run git status, diff, log or show on the repository (read-only: no add, commit, push or config; the platform stages and commits everything after review).",
  inputSchema: GitInput,
  async run(input, context) {
    if (!context.mirrorPath) return fail("git is not available in this run: the worktree has no mirror");
    const parsed = parseGitArguments(input.command, input.args, (word) =>
      existsInWorktree(context.worktree, word),
    );
    if (!parsed.ok) return fail(`refused: ${parsed.reason}`);
    const paths = relativePaths(context, parsed.request);
    const options = await worktreeGitOptions(context.mirrorPath, context.worktree);
    const shown = `$ git ${formatArgv([input.command, ...input.args])}`;
    try {
      const resolved = await resolveRevisions(parsed.request, options, context.signal);
      if (!resolved.ok) return fail(`refused: ${resolved.reason}`);
      const tooLarge = await diffTooLarge(context, parsed.request, paths, resolved.revisions, options);
      if (tooLarge) return fail(`refused: ${tooLarge}`);
      const argv = gitToolArgv(parsed.request, paths, resolved.revisions);
      const { stdout, stderr } = await runGit(argv, {
        ...options,
        config: ["advice.statusHints=false", "color.ui=false"],
        timeoutMs: gitTimeoutMs,
        maxOutputBytes: gitOutputBytes,
        signal: context.signal,
      });
      const output = `${stdout}${stderr}`.trimEnd();
      return ok(`${shown}\n${output === "" ? "(no output)" : output}`);
    } catch (error) {
      return fail(`${shown}\n${describeFailure(error, input.command)}`);
    }
  },
});
