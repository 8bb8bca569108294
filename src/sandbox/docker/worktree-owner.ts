// Who the container's processes run as, and how they get write access to the worktree: the docker
// engine maps no users (unlike bwrap's user namespace), so a uid inside is the same uid on the host.
import { lchown, lstat, readdir } from "node:fs/promises";
import path from "node:path";

/** A numeric user and group, as the engine's `User` setting and as host file ownership. */
export interface Identity {
  uid: number;
  gid: number;
}

/** The sandbox user when the worktree belongs to root: never run commands as root, even capless. */
export const unprivilegedIdentity: Identity = { uid: 1000, gid: 1000 };

export interface WorktreeAccess {
  /** Who runs every process in the container. */
  identity: Identity;
  /** The worktree's owner before the sandbox, when ownership was handed over and must be given back. */
  handedOverFrom: Identity | undefined;
}

/**
 * Every path under `root`, `root` first. Only real directories are entered: a symlink (committed in
 * the repository, or made by the agent) is listed itself and never followed, so nothing outside
 * the worktree is ever reached — `readdir(…, { recursive: true })` would follow links to directories.
 */
async function treePaths(root: string): Promise<string[]> {
  const paths = [root];
  const directories = [root];
  for (let directory = directories.pop(); directory !== undefined; directory = directories.pop()) {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const item = path.join(directory, entry.name);
      paths.push(item);
      if (entry.isDirectory()) directories.push(item);
    }
  }
  return paths;
}

/** Change the owner of `root` and everything below it (links themselves, never their targets). */
async function chownTree(root: string, owner: Identity): Promise<void> {
  const paths = await treePaths(root);
  // Bounded batches: a worktree with node_modules has ~10^5 entries.
  for (let start = 0; start < paths.length; start += 256) {
    await Promise.all(paths.slice(start, start + 256).map((item) => lchown(item, owner.uid, owner.gid)));
  }
}

/**
 * Decide who runs the sandbox's commands for `worktree`. A worktree owned by an unprivileged user
 * (the platform's own) is used as it is, by that user: files stay the platform's, as with bwrap. A
 * worktree owned by root (the platform runs as root) is handed to uid 1000 for the sandbox's life.
 */
export async function grantWorktreeAccess(worktree: string): Promise<WorktreeAccess> {
  const stat = await lstat(worktree);
  const owner = { uid: stat.uid, gid: stat.gid };
  if (owner.uid !== 0) return { identity: owner, handedOverFrom: undefined };
  await chownTree(worktree, unprivilegedIdentity);
  return { identity: unprivilegedIdentity, handedOverFrom: owner };
}

/** Give a handed-over worktree (and what the sandbox wrote in it) back to its owner. */
export async function revokeWorktreeAccess(worktree: string, access: WorktreeAccess): Promise<void> {
  if (access.handedOverFrom) await chownTree(worktree, access.handedOverFrom);
}
