// The host directories the docker backend mounts read-only when configured to use the host's
// toolchain instead of the image's: the system directories and the installations of node and npm,
// with the package managers' global configuration files (a usual home of registry tokens) masked.
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

/**
 * Global package-manager configuration that can sit inside a mounted directory, relative to a
 * prefix (`/usr`, `/usr/local`, a node installation): npm's global and built-in npmrc, yarn's.
 */
const globalConfigFiles = [
  "etc/npmrc",
  "lib/node_modules/npm/npmrc",
  "lib/node_modules/npm/.npmrc",
  "etc/yarnrc",
  "etc/.yarnrc",
  "etc/yarnrc.yml",
  "etc/pip.conf",
];

function isRegularFile(candidate: string): boolean {
  try {
    return lstatSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** The global configuration files present under the mounted `directories` (see globalConfigFiles). */
export function maskedConfigFiles(directories: readonly string[]): string[] {
  const prefixes = new Set<string>();
  for (const directory of directories) {
    prefixes.add(directory);
    if (directory === "/usr") prefixes.add("/usr/local");
  }
  const found = [...prefixes].flatMap((prefix) =>
    globalConfigFiles.map((file) => `${prefix}/${file}`).filter(isRegularFile),
  );
  return [...new Set(found)];
}

export interface HostToolchain {
  /** Host directories to mount read-only at the same path inside the container. */
  directories: string[];
  /** Files inside those directories to hide behind an empty file (global registry configuration). */
  masked: string[];
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
  const directories = [...system, ...toolchains.directories];
  // Plus credential files anywhere two levels into a mount (a cargo home under /usr/local).
  const masked = [...new Set([...maskedConfigFiles(directories), ...toolchains.masked])];
  return { directories, masked, path: entries.join(":") };
}
