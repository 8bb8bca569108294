// A throwaway worktree of a local repository, made exactly as a run's is (a fresh worktree of its
// mirror at HEAD, on a branch of its own), for commands that must see the repository as a run does
// without ever touching its `.git`; removed with its branch afterwards.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { runGit } from "./git.ts";
import { ensureMirror } from "./mirror-cache.ts";
import { createWorktree, removeWorktree } from "./worktree.ts";

export interface ScratchWorktree {
  worktreePath: string;
  mirrorPath: string;
  baseCommit: string;
  /** Remove the worktree and its branch from the mirror. Safe to call twice. */
  dispose(): Promise<void>;
}

/** Mirror `source` (a repository's top level) under `dataDir` and add a fresh worktree at its HEAD. */
export async function openScratchWorktree(
  source: string,
  dataDir: string,
  signal?: AbortSignal,
): Promise<ScratchWorktree> {
  const { mirrorPath } = await ensureMirror(source, dataDir, signal);
  const name = `exec-${randomBytes(6).toString("hex")}`;
  const branch = `slipway/${name}`;
  const worktreePath = path.join(path.resolve(dataDir), "worktrees", name);
  const { baseCommit } = await createWorktree({ mirrorPath, baseRef: "HEAD", branch, worktreePath, signal });
  let disposed = false;
  return {
    worktreePath,
    mirrorPath,
    baseCommit,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await removeWorktree(mirrorPath, worktreePath);
      await runGit(["update-ref", "-d", `refs/heads/${branch}`], { gitDir: mirrorPath });
    },
  };
}
