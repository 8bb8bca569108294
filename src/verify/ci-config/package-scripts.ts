// The package scripts of a checkout, for CI-derived checks: a script's body chooses the check's
// output parser (a `test` script that runs vitest reads as vitest), and a CI step naming a script
// its package.json lacks is left out. Read through safe-fs: no links, no FIFOs, bounded size.
import path from "node:path";
import { readRegularFileInside } from "../../workspace/safe-fs.ts";
import type { PackageScripts } from "./ci-checks.ts";

const maxPackageJsonBytes = 4 * 1024 * 1024;

async function readScripts(worktree: string, cwd: string): Promise<Record<string, unknown> | undefined> {
  try {
    const bytes = await readRegularFileInside(worktree, path.posix.join(cwd, "package.json"), {
      maxBytes: maxPackageJsonBytes,
    });
    const json: unknown = JSON.parse(bytes.toString("utf8"));
    if (typeof json !== "object" || json === null) return undefined;
    const scripts = (json as { scripts?: unknown }).scripts;
    return typeof scripts === "object" && scripts !== null ? (scripts as Record<string, unknown>) : {};
  } catch {
    // No readable package.json (missing, a link, invalid): nothing is known about its scripts.
    return undefined;
  }
}

/** The scripts of the package.json files in `worktree`, each file read once. */
export function packageScriptsIn(worktree: string): PackageScripts {
  const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();
  return {
    async body(cwd, script) {
      if (!cache.has(cwd)) cache.set(cwd, readScripts(worktree, cwd));
      const scripts = await cache.get(cwd);
      if (scripts === undefined) return undefined;
      const body = scripts[script];
      return typeof body === "string" ? body : null;
    },
  };
}
