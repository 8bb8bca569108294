// Stages a worktree's changes onto an index like `git add -A`, except the untracked files under
// paths Slipway sets aside (what setup installed): they are left out by exclusion pathspecs Slipway
// passes, so no ignore file in the worktree can bring them in; tracked files there still count.
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import { GitCommandError, type RunGitOptions, runGit } from "./git.ts";

/** git's report (LC_ALL=C) of ignored paths a pathspec names, printed before the paths. */
const ignoredReport = "The following paths are ignored by one of your .gitignore files:";

/**
 * `:(top,literal,exclude)<path>` for a path relative to the worktree root; anything that could
 * leave out more than that one path (the root, `..`, an absolute or unnormalised path) is a
 * caller's bug.
 */
export function setAsidePathspec(relative: string): string {
  const normal = path.posix.normalize(relative);
  if (
    normal !== relative ||
    normal === "." ||
    normal.startsWith("/") ||
    normal === ".." ||
    normal.startsWith("../") ||
    normal.endsWith("/") ||
    normal.includes("\0")
  ) {
    throw new WorkspaceError(`"${relative}" is not a path inside the worktree to leave out of its tree`);
  }
  // literal: a folder named "x*" is that folder only; top: from the root, not the cwd.
  return `:(top,literal,exclude)${relative}`;
}

/**
 * Whether `error` is only git's report that an exclusion names an ignored path: each path it lists
 * is a set-aside path or a folder above one. git has staged everything else and written the index
 * by then (it reports these after adding, and exits 1), so that index is the one wanted.
 */
function onlyIgnoredSetAside(error: unknown, setAside: readonly string[]): boolean {
  if (!(error instanceof GitCommandError) || error.exitCode !== 1) return false;
  const [first, ...paths] = error.stderr.split("\n").filter((line) => line.length > 0);
  return (
    first === ignoredReport &&
    paths.length > 0 &&
    paths.every((reported) => setAside.some((kept) => kept === reported || kept.startsWith(`${reported}/`)))
  );
}

/**
 * `git add -u` (every tracked file as it is now, under `setAside` too), then `git add -A` of
 * everything else, leaving out untracked files under `setAside`. `options` name the index.
 */
export async function addAllExcept(options: RunGitOptions, setAside: readonly string[]): Promise<void> {
  const excluded = setAside.map(setAsidePathspec);
  await runGit(["add", "-u", "--", "."], options);
  try {
    await runGit(["add", "-A", "--", ".", ...excluded], {
      ...options,
      config: [...(options.config ?? []), "advice.addIgnoredFile=false"],
    });
  } catch (error) {
    // An exclusion naming a path .gitignore already ignores (a usual node_modules/): not a failure.
    if (!onlyIgnoredSetAside(error, setAside)) throw error;
  }
}
