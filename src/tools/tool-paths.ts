// Where a tool's path argument lands in the worktree: every file tool resolves its paths here, so the
// "never outside the worktree" wall and the "never into .git" wall are written once. This only names
// the path; the tools open it through workspace/safe-fs.ts, which follows no link at any step.
import { realpathSync } from "node:fs";
import path from "node:path";
import { InputError } from "../core/errors.ts";
import { resolveInside } from "../workspace/paths.ts";

/** A tool path resolved inside the worktree. */
export interface ToolPath {
  /** Absolute host path, symlinks in its existing prefix resolved. */
  absolute: string;
  /** The same path relative to the worktree root, with `/` separators ("." for the root). */
  relative: string;
}

/**
 * Resolve `requested` inside `worktree`. Throws the InputError of resolveInside for paths that
 * leave the worktree; with `forWrite`, also refuses paths inside `.git`, where a written hook
 * would later run on the host.
 */
export function resolveToolPath(
  worktree: string,
  requested: string,
  options: { forWrite?: boolean } = {},
): ToolPath {
  const absolute = resolveInside(worktree, requested);
  const relativeNative = path.relative(realpathSync(worktree), absolute);
  const relative = relativeNative === "" ? "." : relativeNative.split(path.sep).join("/");
  if (options.forWrite && relative.split("/").includes(".git")) {
    throw new InputError(`path "${requested}" is inside .git; tools may not write there`, {
      details: { path: requested },
    });
  }
  return { absolute, relative };
}
