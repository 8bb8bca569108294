// The host directories the docker backend mounts read-only when configured to use the host's
// toolchain instead of the image's: the system directories and the installations of node and npm.
import { lstatSync } from "node:fs";
import { systemDirectories, toolchainMounts } from "../bwrap/toolchain-mounts.ts";
import type { ProtectedPaths } from "../mount-safety.ts";

/** Programs whose installation directories are mounted when they live outside the system directories. */
export const hostToolchains = ["node", "npm", "npx"];

function isRealDirectory(candidate: string): boolean {
  try {
    return lstatSync(candidate).isDirectory();
  } catch {
    return false;
  }
}

function isWithin(entry: string, directory: string): boolean {
  return entry === directory || entry.startsWith(`${directory}/`);
}

export interface HostToolchain {
  /** Host directories to mount read-only at the same path inside the container. */
  directories: string[];
  /** The host's PATH without the entries that do not exist inside (so it reveals no more of the host). */
  path: string;
}

/**
 * What to mount for the host's toolchain: each system directory that is a real directory on this
 * host (a link such as /bin → usr/bin is not mounted: the image is expected to have the same link,
 * as every merged-/usr image does), then the installations of the toolchains found on `searchPath`,
 * never one that would expose a `protectedPaths` entry (the host's home and its secrets, the worktree).
 */
export function hostToolchain(searchPath: string, protectedPaths: ProtectedPaths): HostToolchain {
  const system = systemDirectories.filter(isRealDirectory);
  const toolchains = toolchainMounts(hostToolchains, { searchPath, protectedPaths });
  const reachable = [...systemDirectories, ...toolchains.directories];
  const entries = searchPath
    .split(":")
    .filter((entry) => reachable.some((directory) => isWithin(entry, directory)));
  return { directories: [...system, ...toolchains.directories], path: entries.join(":") };
}
