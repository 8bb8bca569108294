// Which package manager a Node repository uses: its lockfile decides, then package.json's
// `packageManager` field, then npm.
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

/** The argv that runs a package.json script with `manager`. */
export function scriptCommand(manager: PackageManager, script: string): { command: string; args: string[] } {
  return { command: manager, args: ["run", script] };
}
