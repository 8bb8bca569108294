// What CI derivation needs to know of the checkout: package scripts (a script's body chooses the
// check's output parser — a `test` script that runs vitest reads as vitest — and a CI step naming a
// script its package.json lacks is left out) and whether a step's directory exists. Read through
// safe-fs: no links, no FIFOs, bounded size.
import path from "node:path";
import { entryKindInside, readRegularFileInside } from "../../workspace/safe-fs.ts";
import { findPinnedLauncher, packageManagers } from "../node/package-manager.ts";
import type { CheckoutFiles } from "./ci-checks.ts";

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

/** The checkout at `worktree`, each package.json read once. */
export function checkoutFilesIn(worktree: string): CheckoutFiles {
  const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();
  return {
    async scriptBody(cwd, script) {
      if (!cache.has(cwd)) cache.set(cwd, readScripts(worktree, cwd));
      const scripts = await cache.get(cwd);
      if (scripts === undefined) return undefined;
      const body = scripts[script];
      return typeof body === "string" ? body : null;
    },
    async isDirectory(cwd) {
      return (await entryKindInside(worktree, cwd)) === "directory";
    },
    async pinnedLauncher(cwd, manager) {
      const known = packageManagers.find((name) => name === manager);
      return known === undefined ? undefined : findPinnedLauncher(worktree, cwd, known);
    },
  };
}
