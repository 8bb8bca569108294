// Which package manager a Node repository uses: its lockfile decides, then package.json's
// `packageManager` field, then npm. A version pinned there is run through the launcher setup wrote
// (corepack, offline) when there is one.
import path from "node:path";
import { entryKindInside } from "../../workspace/safe-fs.ts";

export const packageManagers = ["npm", "pnpm", "yarn", "bun"] as const;
export type PackageManager = (typeof packageManagers)[number];

/** Lockfiles in the order they are trusted when a repository holds more than one. */
const lockfiles: readonly { file: string; manager: PackageManager }[] = [
  { file: "package-lock.json", manager: "npm" },
  { file: "npm-shrinkwrap.json", manager: "npm" },
  { file: "pnpm-lock.yaml", manager: "pnpm" },
  { file: "yarn.lock", manager: "yarn" },
  { file: "bun.lock", manager: "bun" },
  { file: "bun.lockb", manager: "bun" },
];

/** Every lockfile name a Node package may have. */
export const nodeLockfiles: readonly string[] = lockfiles.map((lockfile) => lockfile.file);

export interface PackageManagerChoice {
  manager: PackageManager;
  /** Why this manager, for the detection notes. */
  reason: string;
}

function fromField(field: string | undefined): PackageManager | undefined {
  const name = field?.split("@")[0];
  return packageManagers.find((manager) => manager === name);
}

/** Pick the package manager of the project in `directory` (a lockfile counts only as a regular file). */
export async function detectPackageManager(
  directory: string,
  packageManagerField?: string,
): Promise<PackageManagerChoice> {
  const found: (typeof lockfiles)[number][] = [];
  for (const lockfile of lockfiles) {
    if ((await entryKindInside(directory, lockfile.file)) === "file") found.push(lockfile);
  }
  const first = found[0];
  if (first) {
    const others = found.slice(1).map((lockfile) => lockfile.file);
    const extra = others.length > 0 ? ` (also found ${others.join(", ")}; ${first.file} wins)` : "";
    return { manager: first.manager, reason: `${first.file}${extra}` };
  }
  const declared = fromField(packageManagerField);
  if (declared)
    return { manager: declared, reason: `packageManager "${packageManagerField}" in package.json` };
  return { manager: "npm", reason: "no lockfile, so npm" };
}

/** Where setup's corepack keeps a pinned package manager, relative to the package's folder. */
export const pinnedHomeDirectory = "node_modules/.slipway-corepack/home";
/** Where setup writes the launcher of a pinned package manager, relative to the package's folder. */
export const pinnedLauncherDirectory = "node_modules/.slipway-corepack/bin";
/** Folders climbed at most from a workspace package to the one whose setup wrote the launcher. */
const maxLevels = 20;

/**
 * The launcher of the pinned `manager` that setup wrote in `directory` or a folder above it inside
 * the worktree, relative to `directory` (`../../node_modules/.slipway-corepack/bin/pnpm`), or
 * undefined when there is none (the manager on PATH runs then).
 */
export async function findPinnedLauncher(
  worktree: string,
  directory: string,
  manager: PackageManager,
): Promise<string | undefined> {
  let current = path.normalize(directory);
  for (let level = 0; level <= maxLevels; level++) {
    const launcher = path.join(current, pinnedLauncherDirectory, manager);
    if ((await entryKindInside(worktree, launcher)) === "file") {
      // Always holds a slash, so it is run as a path (relative to the check's folder), never looked up on PATH.
      return path.relative(directory, launcher);
    }
    if (current === "." || current === "") return undefined;
    current = path.dirname(current);
  }
  return undefined;
}

/** The argv that runs a package.json script with `manager`, or with its pinned `launcher` when given. */
export function scriptCommand(
  manager: PackageManager,
  script: string,
  launcher?: string,
): { command: string; args: string[] } {
  return { command: launcher ?? manager, args: ["run", script] };
}
