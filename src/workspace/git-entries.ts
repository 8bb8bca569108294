// Finds a `.git` (directory or file) under a directory, bounded: a sandbox that may write a
// directory must not reach a repository's metadata that host git will read later.
import { readdirSync } from "node:fs";
import path from "node:path";
import { InputError } from "../core/errors.ts";

/** How many entries the search looks at before it gives up. */
export const maxEntriesSearched = 20_000;
const maxDepth = 64;

/** How far a search may go, and what it skips. */
export interface GitEntrySearch {
  /** Entries looked at before the search gives up (default `maxEntriesSearched`). */
  maxEntries?: number;
  /** Skip the root's own `.git` (a worktree's `.git` file is its own, not a nested repository). */
  skipRootGit?: boolean;
}

/**
 * The first `.git` entry under `root` (not following links), or undefined when there is none.
 * Throws InputError when `root` holds more than `maxEntries` entries or is nested deeper than 64
 * levels: too much to check.
 */
export function findGitEntry(root: string, search: GitEntrySearch = {}): string | undefined {
  const maxEntries = search.maxEntries ?? maxEntriesSearched;
  const pending: Array<{ directory: string; depth: number }> = [{ directory: root, depth: 0 }];
  let seen = 0;
  while (pending.length > 0) {
    const { directory, depth } = pending.pop()!;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (++seen > maxEntries) {
        throw new InputError(
          `${root} holds more than ${maxEntries} files, too many to check that no git repository is inside; pass a git repository or a smaller directory`,
          { details: { root } },
        );
      }
      const full = path.join(directory, entry.name);
      if (entry.name === ".git" && !(search.skipRootGit && depth === 0)) return full;
      if (!entry.isDirectory()) continue;
      if (depth >= maxDepth) {
        throw new InputError(`${full} is nested too deep to check that no git repository is inside`, {
          details: { root },
        });
      }
      pending.push({ directory: full, depth: depth + 1 });
    }
  }
  return undefined;
}
