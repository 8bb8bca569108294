// Path resolution that never leaves a root: every tool and sandbox path goes through here.
import { realpathSync } from "node:fs";
import path from "node:path";
import { InputError } from "../core/errors.ts";

/** `target` with symlinks resolved in its longest existing prefix; the rest is appended as given. */
export function realpathOfExistingPrefix(target: string): string {
  // Resolve symlinks in the longest existing prefix, so a link inside the root cannot point out.
  let current = target;
  const rest: string[] = [];
  for (let depth = 0; depth < 4096; depth++) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) break;
      rest.push(path.basename(current));
      current = parent;
    }
  }
  return target;
}

/**
 * Resolve `relative` against `root` and return the absolute path, or throw an InputError when the
 * result (after following symlinks) is outside `root`.
 */
export function resolveInside(root: string, relative: string): string {
  const realRoot = realpathSync(root);
  const candidate = path.resolve(realRoot, relative);
  const real = realpathOfExistingPrefix(candidate);
  const inside = real === realRoot || real.startsWith(realRoot + path.sep);
  if (!inside) {
    throw new InputError(
      `path "${relative}" is outside the worktree; use a path relative to the repository root`,
      {
        details: { path: relative },
      },
    );
  }
  return real;
}
