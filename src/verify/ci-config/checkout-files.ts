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

/** Folders climbed at most from a step's directory to the project's .venv. */
const maxLevels = 20;

/**
 * `.venv/bin/<program>` in `cwd` or a folder above it inside the checkout, relative to `cwd`. The
 * venv's python is a link to an interpreter outside the worktree: present as a link, never
 * followed here (only the sandbox runs it, as the Python detector's checks do).
 */
async function findVenvProgram(worktree: string, cwd: string, program: string): Promise<string | undefined> {
  let current = path.posix.normalize(cwd);
  for (let level = 0; level <= maxLevels; level++) {
    const candidate = path.posix.join(current, ".venv", "bin", program);
    const kind = await entryKindInside(worktree, candidate);
    if (kind === "file" || kind === "symlink") return path.posix.relative(cwd, candidate);
    if (current === "." || current === "") return undefined;
    current = path.posix.dirname(current);
  }
  return undefined;
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
    async venvProgram(cwd, program) {
      return findVenvProgram(worktree, cwd, program);
    },
    async pinnedLauncher(cwd, manager) {
      const known = packageManagers.find((name) => name === manager);
      return known === undefined ? undefined : findPinnedLauncher(worktree, cwd, known);
    },
  };
}
