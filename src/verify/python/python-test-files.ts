// Looks for pytest-style test files (test_*.py, *_test.py) in a worktree, with a bounded walk
// that skips virtual environments, caches and vendored code.
import { readdir } from "node:fs/promises";
import path from "node:path";

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
      // An unreadable folder holds no test we could run; keep looking elsewhere.
      const entries = await readdir(path.join(worktree, relative), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (++seen > limits.maxEntries) return undefined;
        const child = path.join(relative, entry.name);
        if (entry.isFile() && testFileName.test(entry.name)) return child;
        if (entry.isDirectory() && !entry.name.startsWith(".") && !skippedFolders.has(entry.name)) {
          next.push(child);
        }
      }
    }
    level = next;
  }
  return undefined;
}
