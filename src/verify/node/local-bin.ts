// Finds a tool a Node project installed: `node_modules/.bin/<tool>` in the package's directory or,
// for a workspace package whose dependencies are hoisted, in a directory above it up to the root.
import path from "node:path";
import { entryKindInside } from "../../workspace/safe-fs.ts";

/** Directories climbed at most from a package to the worktree root. */
const maxLevels = 20;

export interface LocalBin {
  /** The executable, relative to the package's directory (`node_modules/.bin/tsc`, `../../node_modules/.bin/tsc`). */
  command: string;
  /** The `node_modules` directory it was found in, relative to the worktree root. */
  nodeModules: string;
}

/** `tool` in `node_modules/.bin` of `directory` (relative to `worktree`) or an ancestor inside the worktree. */
export async function findLocalBin(
  worktree: string,
  directory: string,
  tool: string,
): Promise<LocalBin | undefined> {
  let current = path.normalize(directory);
  for (let level = 0; level <= maxLevels; level++) {
    const nodeModules = path.join(current, "node_modules");
    // A bin is usually a link into its package: it counts as present, and only the sandbox follows it.
    const kind = await entryKindInside(worktree, path.join(nodeModules, ".bin", tool));
    if (kind === "file" || kind === "symlink") {
      const command = path.relative(directory, path.join(nodeModules, ".bin", tool));
      return { command, nodeModules };
    }
    if (current === "." || current === "") return undefined;
    current = path.dirname(current);
  }
  return undefined;
}
