// Delivers a run's branch to a local source repository by fetching it there from the mirror, hooks off.
import path from "node:path";
import { WorkspaceError } from "../core/errors.ts";
import { type RunGitOptions, runGit } from "./git.ts";
import { protectGitDir } from "./mirror-config.ts";

/**
 * Settings for the fetch inside the source repository, on top of the hardened ones: only the file
 * transport (a `url.*.insteadOf` in its config cannot reroute the fetch to ssh or a helper), and no
 * automatic gc or maintenance in a repository Slipway does not own.
 */
const deliveryConfig = [
  "protocol.allow=never",
  "protocol.file.allow=always",
  "gc.auto=0",
  "maintenance.auto=false",
  "fetch.prune=false",
  "fetch.writeCommitGraph=false",
];

export interface DeliverRequest {
  mirrorPath: string;
  /** The run's branch, e.g. `slipway/abc12345`. */
  branch: string;
  /** Absolute path of the local repository the run came from. */
  sourcePath: string;
  signal?: AbortSignal;
}

/** Parse `git worktree list --porcelain`: the branch refs checked out in any worktree. */
export function checkedOutBranches(porcelain: string): string[] {
  return porcelain
    .split("\n")
    .filter((line) => line.startsWith("branch "))
    .map((line) => line.slice("branch ".length));
}

/**
 * Make `branch` of the mirror appear as `refs/heads/<branch>` in the local repository `sourcePath`
 * (created or force-updated). Refuses, without touching anything, when that branch is checked out in
 * any worktree of the source.
 */
export async function deliverBranch(request: DeliverRequest): Promise<void> {
  const { mirrorPath, branch, sourcePath, signal } = request;
  const ref = `refs/heads/${branch}`;
  const cwd = path.resolve(sourcePath);
  const { stdout } = await runGit(["worktree", "list", "--porcelain"], { cwd, signal });
  if (checkedOutBranches(stdout).includes(ref)) {
    throw new WorkspaceError(
      `branch ${branch} is checked out in ${sourcePath}; switch that checkout to another branch and run again, or fetch it from ${mirrorPath}`,
      { details: { branch, sourcePath, mirrorPath } },
    );
  }
  await fetchFromMirror(mirrorPath, `+${ref}:${ref}`, { cwd, signal });
}

/**
 * Run, in a repository Slipway does not own (`options` selects it), a hardened fetch of `refspec`
 * from the mirror: only the file transport, no hooks, no gc, no tags, no FETCH_HEAD, and never an
 * upload-pack command the repository's config names. Used to deliver and to push into local remotes.
 */
export async function fetchFromMirror(
  mirrorPath: string,
  refspec: string,
  options: RunGitOptions,
): Promise<void> {
  // upload-pack runs in the mirror and reads its config: Slipway's alone, rewritten first.
  await protectGitDir(mirrorPath);
  await runGit(
    [
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-prune",
      "--no-recurse-submodules",
      "--no-write-fetch-head",
      "--no-auto-maintenance",
      // Never a `remote.<name>.uploadpack` the repository's config might attach to this path.
      "--upload-pack=git-upload-pack",
      path.resolve(mirrorPath),
      refspec,
    ],
    { timeoutMs: 600_000, ...options, config: [...deliveryConfig, ...(options.config ?? [])] },
  );
}
