// Finds a worktree's admin directory inside its mirror, so git never trusts the `.git` file the agent can edit.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import type { RunGitOptions } from "./git.ts";
import { realpathOfExistingPrefix } from "./paths.ts";

/**
 * The directory `<mirror>/worktrees/<name>` whose `gitdir` file names `<worktreePath>/.git`, or
 * undefined when the mirror has no such worktree registered. Only files inside the mirror are read.
 */
export async function findWorktreeAdminDir(
  mirrorPath: string,
  worktreePath: string,
): Promise<string | undefined> {
  const wanted = new Set([path.resolve(worktreePath), realpathOfExistingPrefix(path.resolve(worktreePath))]);
  const adminRoot = path.join(mirrorPath, "worktrees");
  let names: string[];
  try {
    names = await readdir(adminRoot);
  } catch {
    // No worktrees directory: the mirror has no worktree at all (or no longer exists).
    return undefined;
  }
  for (const name of names) {
    const adminDir = path.join(adminRoot, name);
    let gitFile: string;
    try {
      gitFile = (await readFile(path.join(adminDir, "gitdir"), "utf8")).trim();
    } catch {
      // Not a complete admin directory (a crashed `worktree add`): not the one we look for.
      continue;
    }
    if (path.basename(gitFile) === ".git" && wanted.has(path.dirname(gitFile))) return adminDir;
  }
  return undefined;
}

/** The `gitDir`/`workTree` options for git commands on a worktree; throws when it is not registered. */
export async function worktreeGitOptions(
  mirrorPath: string,
  worktreePath: string,
): Promise<Required<Pick<RunGitOptions, "gitDir" | "workTree" | "cwd">>> {
  const gitDir = await findWorktreeAdminDir(mirrorPath, worktreePath);
  if (!gitDir) {
    throw new WorkspaceError(
      `${worktreePath} is not a worktree of ${mirrorPath}; create it with createWorktree first`,
      {
        details: { mirrorPath, worktreePath },
      },
    );
  }
  const workTree = path.resolve(worktreePath);
  return { gitDir, workTree, cwd: workTree };
}
