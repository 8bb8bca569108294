// Freezes what the agent left into a tree object while nothing of its can run, and checks later
// that the worktree still holds that tree: what the gate verified and review read is what is committed.
import { setupOwnedPaths } from "../setup/setup-owned-paths.ts";
import { changedPathsBetween, retakeFrozenTree, snapshotWorktree } from "../workspace/worktree-commit.ts";
import { type RunContext, recordEvent } from "./run-context.ts";

/** How many changed paths an event or an outcome detail names; the rest are counted. */
const pathsShown = 10;

/**
 * End every process of the sandbox, then freeze the worktree into a tree; returns the tree's id.
 * What setup installed is never the agent's change: its untracked files stay out of the tree (so
 * out of the guards', the judge's and the commit's view) whether or not the repository ignores them.
 */
export async function freezeWorktree(context: RunContext): Promise<string> {
  const sandbox = context.sandbox!;
  await sandbox.killAll();
  const setAside = setupOwnedPaths(context.setup?.producedDirectories ?? []);
  const tree = await snapshotWorktree(context.mirrorPath!, sandbox.worktree, context.signal, setAside);
  context.frozenTree = tree;
  await recordEvent(context, "tree-freeze", { tree });
  return tree;
}

/**
 * End every process of the sandbox, then compare the frozen tree's files with the worktree's. Returns
 * the paths that changed ([] when none did); the check is recorded in the trace either way.
 */
export async function changedSinceFreeze(context: RunContext, moment: string): Promise<string[]> {
  const sandbox = context.sandbox!;
  const frozen = context.frozenTree!;
  await sandbox.killAll();
  const now = await retakeFrozenTree(context.mirrorPath!, sandbox.worktree, frozen, context.signal);
  let changed: string[] = [];
  if (now !== frozen) {
    const paths = await changedPathsBetween(
      context.mirrorPath!,
      sandbox.worktree,
      frozen,
      now,
      context.signal,
    );
    // Different trees always differ in some path; the fallback only keeps the answer non-empty.
    changed = paths.length > 0 ? paths : ["(the tree differs)"];
  }
  await recordEvent(context, "tree-check", {
    moment,
    tree: frozen,
    unchanged: changed.length === 0,
    changed: changed.slice(0, pathsShown),
  });
  return changed;
}

/** "a, b and 3 more" for an outcome detail. */
export function describePaths(paths: string[]): string {
  const shown = paths.slice(0, pathsShown).join(", ");
  return paths.length > pathsShown ? `${shown} and ${paths.length - pathsShown} more` : shown;
}
