// Collects a worktree's change against its base commit as a ParsedDiff, through a caller's git.
import { InputError } from "../../core/errors.ts";
import { type ParsedDiff, parseDiff } from "../diff/parse-diff.ts";

/** Runs git with these arguments in the worktree and resolves to its stdout; rejects on failure. */
export type GitRunner = (args: string[]) => Promise<string>;

/** Diff options that make the output parseDiff reads regardless of the user's git config. */
export const diffArguments: readonly string[] = [
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--no-relative",
  "-U3",
  "--find-renames",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];

/**
 * Stage the whole worktree (`git add --all`, so new files are part of the diff; the commit stage
 * commits the same set) and parse `git diff --cached <base>`. Staging is the only change made.
 * `runGit` must be bound to the worktree and bring its own timeout and hardening.
 */
export async function collectDiff(runGit: GitRunner, base: string): Promise<ParsedDiff> {
  if (base === "" || base.startsWith("-")) {
    throw new InputError(`"${base}" is not a base revision; pass a commit id or ref name`, {
      details: { base },
    });
  }
  await runGit(["add", "--all"]);
  const text = await runGit(["diff", "--cached", ...diffArguments, "--end-of-options", base, "--"]);
  return parseDiff(text);
}
