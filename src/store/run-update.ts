// Applying a RunUpdate to a Run: the one rule every store shares for what an update changes.
import type { Run } from "../core/run.ts";
import type { RunUpdate } from "./store.ts";

/** The run after `update`: undefined fields stay as they were; `worktree: null` clears the worktree. */
export function applyRunUpdate(run: Run, update: RunUpdate): Run {
  const { worktree, ...rest } = update;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  const next: Run = { ...run, ...(defined as Partial<Run>) };
  if (worktree === null) delete next.worktree;
  else if (worktree !== undefined) next.worktree = worktree;
  return next;
}
