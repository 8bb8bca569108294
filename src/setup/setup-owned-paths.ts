// The worktree paths that belong to setup, not to the agent: what setup installed (node_modules,
// .venv …), the pinned package manager's launcher and the offline caches' mount folder. Their
// untracked contents are never part of the agent's change, whether or not the repository ignores
// them; a file the repository tracks under them still is (see snapshotWorktree).
import path from "node:path";
import { pinnedHomeDirectory } from "../verify/node/package-manager.ts";
import { offlineFolder } from "./caches/offline-caches.ts";

/** The launcher's folder, beside its corepack home (`node_modules/.slipway-corepack`). */
const pinnedManagerFolder = path.posix.dirname(pinnedHomeDirectory);

/**
 * The paths, relative to the worktree root, whose untracked contents the tree the agent's change is
 * frozen into leaves out: `producedDirectories` (from the setup outcome, chosen by Slipway's
 * detection or restore, never read from the worktree) and the folders Slipway itself writes there.
 */
export function setupOwnedPaths(producedDirectories: readonly string[]): string[] {
  return [...new Set([...producedDirectories, pinnedManagerFolder, offlineFolder])].sort();
}
