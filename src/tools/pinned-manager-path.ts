// The pinned package manager on the agent's PATH: setup's corepack launcher, first, for the agent's
// own commands and its fast checks, so `pnpm test` runs the version package.json pins (offline).
import { realpath } from "node:fs/promises";
import path from "node:path";
import type { ExecRequest, Sandbox } from "../sandbox/sandbox.ts";
import { packageManagers, pinnedLauncherDirectory } from "../verify/node/package-manager.ts";
import { runGit } from "../workspace/git.ts";
import { entryKindInside } from "../workspace/safe-fs.ts";

/** package.json is a few kilobytes; a larger one at the base is not read for its pin. */
const maxPackageJsonBytes = 1024 * 1024;

/** The manager `package.json`'s packageManager field pins at `baseCommit`, read from git's objects. */
export async function basePinnedManager(
  mirrorPath: string,
  baseCommit: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(baseCommit)) return undefined;
  const listing = await runGit(["ls-tree", "-l", "--full-tree", baseCommit, "--", "package.json"], {
    gitDir: mirrorPath,
    signal,
  });
  // `<mode> blob <object> <size>\tpackage.json`: a regular file only, never a link the repo planted.
  const match = /^100(?:644|755) blob ([0-9a-f]+) +(\d+)\tpackage\.json$/m.exec(listing.stdout);
  if (!match || Number(match[2]) > maxPackageJsonBytes) return undefined;
  const blob = await runGit(["cat-file", "blob", match[1]!], { gitDir: mirrorPath, signal });
  let field: unknown;
  try {
    field = (JSON.parse(blob.stdout) as { packageManager?: unknown } | null)?.packageManager;
  } catch {
    return undefined;
  }
  if (typeof field !== "string") return undefined;
  const name = field.split("@")[0];
  return packageManagers.find((manager) => manager !== "npm" && manager === name);
}

/**
 * The absolute folder of setup's launchers when the base commit pins a manager and its launcher is
 * a regular file there, else undefined. The agent could replace the launcher mid-run (it owns the
 * worktree); that only changes what its own sandboxed commands run, and the gate runs its checks on
 * the frozen tree, where node_modules/** is protected and what setup did not make is removed.
 */
export async function pinnedManagerBin(
  mirrorPath: string,
  baseCommit: string,
  worktree: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const manager = await basePinnedManager(mirrorPath, baseCommit, signal);
  if (manager === undefined) return undefined;
  const launcher = path.join(pinnedLauncherDirectory, manager);
  if ((await entryKindInside(worktree, launcher)) !== "file") return undefined;
  // Inside every sandbox the worktree is at its real host path.
  return path.join(await realpath(worktree), pinnedLauncherDirectory);
}

/** `sandbox` whose every command has `directory` first on its PATH; `sandbox` itself when none. */
export function withPinnedManagerPath(sandbox: Sandbox, directory: string | undefined): Sandbox {
  if (directory === undefined) return sandbox;
  return {
    backend: sandbox.backend,
    worktree: sandbox.worktree,
    exec: (request: ExecRequest) =>
      sandbox.exec({ ...request, pathFirst: [directory, ...(request.pathFirst ?? [])] }),
    killAll: () => sandbox.killAll(),
    dispose: () => sandbox.dispose(),
  };
}
