// Where a sandbox mounts the worktree: at its own (real) host path, as a CI runner checks out a
// repository, so absolute paths written inside (pnpm's shims, a venv's scripts, bytecode) hold
// outside too. Checks that the path can be mounted there without covering the sandbox's own mounts.
import path from "node:path";
import { SandboxError } from "../core/errors.ts";
import { isWithin } from "./mount-safety.ts";

/**
 * Directories of the sandbox's own that a worktree may never lie inside: the kernel's and the
 * platform's (a worktree there would hide or mix with them). /tmp and read-only toolchain
 * directories are fine parents: the worktree's mount simply goes on top.
 */
export const privateInsideDirectories = ["/proc", "/dev", "/sys", "/etc", "/run"] as const;

/**
 * Why `worktree` (absolute, symlink-free) cannot be mounted at its own path in a sandbox whose own
 * mount points are `mountPoints` (it would cover one of them, or lie in one of `privateDirectories`),
 * or undefined when it can.
 */
export function worktreeMountProblem(
  worktree: string,
  mountPoints: readonly string[],
  privateDirectories: readonly string[],
): string | undefined {
  if (!path.isAbsolute(worktree) || path.normalize(worktree) !== worktree)
    return "it is not an absolute, normalized path";
  if (worktree === "/") return "it is the root directory";
  const covered = mountPoints.find((mountPoint) => isWithin(mountPoint, worktree));
  if (covered) return `mounted there it would cover the sandbox's own ${covered}`;
  const inside = privateDirectories.find((directory) => isWithin(worktree, directory));
  if (inside) return `it lies inside ${inside}, which the sandbox provides itself`;
  return undefined;
}

/** `worktreeMountProblem` as a SandboxError saying what to do, for a sandbox about to be made. */
export function assertWorktreeMountable(
  worktree: string,
  mountPoints: readonly string[],
  privateDirectories: readonly string[],
): void {
  const problem = worktreeMountProblem(worktree, mountPoints, privateDirectories);
  if (!problem) return;
  throw new SandboxError(
    `the worktree ${worktree} cannot be mounted at its own path inside the sandbox: ${problem}; move the repository (or Slipway's dataDir) to another directory`,
    { code: "sandbox_unavailable", details: { worktree, problem } },
  );
}

/** `cwd` relative to the worktree as the absolute path inside the sandbox (the worktree's own path). */
export function insidePath(realWorktree: string, relative: string): string {
  return relative ? path.posix.join(realWorktree, ...relative.split(path.sep)) : realWorktree;
}
