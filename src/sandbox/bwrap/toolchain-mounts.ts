// Finds the installation directories of toolchains named in the backend's settings (e.g. `node`
// under /opt/node24), so they can be mounted read-only without exposing the rest of /opt or $HOME.
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import path from "node:path";

/** Host directories mounted as a whole anyway: toolchains inside them need no mount of their own. */
export const systemDirectories = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] as const;

/** The first executable called `name` on `searchPath` (a PATH string), unresolved. */
export function findOnPath(name: string, searchPath: string): string | undefined {
  for (const directory of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(directory)) continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this PATH entry: try the next one.
    }
  }
  return undefined;
}

function isWithin(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent === "/" ? "/" : `${parent}/`);
}

function commonAncestor(first: string, second: string): string {
  const a = first.split("/");
  const b = second.split("/");
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return a.slice(0, shared).join("/") || "/";
}

/**
 * The directory to mount for a program found at `entry` on PATH whose real file is `real`: the
 * deepest directory holding both (so `node_modules/.bin/npm` and its target both resolve), one
 * level up when that is a `bin` directory (`…/v24/bin` → `…/v24`, where `lib/` lives).
 */
export function installationRoot(entry: string, real: string): string {
  const shared = commonAncestor(path.dirname(entry), path.dirname(real));
  return path.basename(shared) === "bin" ? path.dirname(shared) : shared;
}

/** Why a directory may not be mounted, or undefined when it may. */
export function unsafeMountReason(directory: string, protectedPaths: string[]): string | undefined {
  if (directory.split("/").filter(Boolean).length < 2) return "it is a top-level directory";
  const covered = protectedPaths.find((guarded) => isWithin(guarded, directory));
  return covered ? `it contains ${covered}` : undefined;
}

export interface ToolchainMounts {
  /** Directories to mount read-only at the same path inside the sandbox. */
  directories: string[];
  /** Toolchains that could not be mounted, with the reason (missing, or unsafe to mount). */
  skipped: { name: string; reason: string }[];
}

/**
 * Resolve the toolchains `names` on `searchPath` to installation directories, dropping those the
 * system mounts cover and refusing any that would expose a `protectedPaths` entry (the host's
 * home, the data directory, the worktree).
 */
export function toolchainMounts(
  names: string[],
  searchPath: string,
  protectedPaths: string[],
): ToolchainMounts {
  const found: string[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const name of names) {
    const entry = findOnPath(name, searchPath);
    if (!entry) {
      skipped.push({ name, reason: "not found on PATH" });
      continue;
    }
    // The PATH entry's own directory is resolved (/bin → /usr/bin) but not the program's link.
    const entryInRealDirectory = path.join(realpathSync(path.dirname(entry)), path.basename(entry));
    const root = installationRoot(entryInRealDirectory, realpathSync(entry));
    if (systemDirectories.some((system) => isWithin(root, system))) continue;
    const unsafe = unsafeMountReason(root, protectedPaths);
    if (unsafe) skipped.push({ name, reason: `${root} is not mounted: ${unsafe}` });
    else found.push(root);
  }
  const unique = [...new Set(found)].sort();
  const directories = unique.filter((dir) => !unique.some((other) => other !== dir && isWithin(dir, other)));
  return { directories, skipped };
}
