// Looks for pytest-style test files (test_*.py, *_test.py) in a worktree, with a bounded walk
// that skips virtual environments, caches and vendored code.
import path from "node:path";
import { listDirectoryInside } from "../../workspace/safe-fs.ts";

/** Folder names never searched: environments, caches, build output, other ecosystems' installs. */
const skippedFolders = new Set([
  "node_modules",
  "site-packages",
  "__pycache__",
  "venv",
  "env",
  "build",
  "dist",
  "target",
]);

/** How deep and how wide the walk may go before it gives up (a monorepo can be huge). */
export const testFileSearchLimits = { maxDepth: 5, maxEntries: 5_000 } as const;

const testFileName = /^(test_.+|.+_test)\.py$/;

/** The first test file found under `worktree` (relative path), or undefined within the limits. */
export async function findPythonTestFile(
  worktree: string,
  limits: { maxDepth: number; maxEntries: number } = testFileSearchLimits,
): Promise<string | undefined> {
  let seen = 0;
  let level: string[] = [""];
  for (let depth = 0; depth <= limits.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const relative of level) {
      // An unreadable folder (or one swapped for a link) holds no test we could run; keep looking elsewhere.
      const listed = await listDirectoryInside(worktree, relative || ".", {
        maxEntries: limits.maxEntries + 1,
      }).catch(() => undefined);
      for (const entry of listed?.entries ?? []) {
        if (++seen > limits.maxEntries) return undefined;
        const child = path.join(relative, entry.name);
        if (entry.kind === "file" && testFileName.test(entry.name)) return child;
        if (entry.kind === "directory" && !entry.name.startsWith(".") && !skippedFolders.has(entry.name)) {
          next.push(child);
        }
      }
    }
    level = next;
  }
  return undefined;
}
