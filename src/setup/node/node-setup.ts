// Node setup: the package manager the lockfile names, with its frozen-lockfile install, run in the
// package's folder. A workspace's packages are installed by the root's install; a package in a
// subfolder with a lockfile of its own (web/ beside a Python service) gets its own. A version pinned
// by `packageManager` is provided by corepack first (pinned-manager.ts).
import path from "node:path";
import {
  detectPackageManager,
  nodeLockfiles,
  type PackageManager,
} from "../../verify/node/package-manager.ts";
import { firstRegularFile, isRegularFile, readManifest } from "../repo-files.ts";
import { inFolder, type SetupCommand, type SetupDetector, setupCommand } from "../setup-detector.ts";
import { launcherPath, parsePinnedManager, providePinnedManager } from "./pinned-manager.ts";

const npmRegistry = "registry.npmjs.org";

const registryHosts: Readonly<Record<PackageManager, string[]>> = {
  npm: [npmRegistry],
  pnpm: [npmRegistry],
  yarn: [npmRegistry, "registry.yarnpkg.com", "repo.yarnpkg.com"],
  bun: [npmRegistry],
};

function parseManifest(text: string): Record<string, unknown> | undefined {
  try {
    const manifest: unknown = JSON.parse(text);
    return typeof manifest === "object" && manifest !== null
      ? (manifest as Record<string, unknown>)
      : undefined;
  } catch {
    // A broken package.json is the verifiers' to report; setup has nothing to install from it.
    return undefined;
  }
}

/** True when package.json lists any dependency to install. */
function hasDependencies(manifest: Record<string, unknown>): boolean {
  const fields = ["dependencies", "devDependencies", "optionalDependencies", "workspaces"] as const;
  return fields.some((field) => {
    const value = manifest[field];
    return typeof value === "object" && value !== null && Object.keys(value).length > 0;
  });
}

async function installArgs(worktree: string, directory: string, manager: PackageManager, locked: boolean) {
  if (!locked) return ["install"];
  switch (manager) {
    case "npm":
      return ["ci", "--no-audit", "--no-fund"];
    case "yarn":
      // Yarn 2+ (a .yarnrc.yml) spells the frozen install --immutable; Yarn 1 --frozen-lockfile.
      return (await isRegularFile(worktree, inFolder(directory, ".yarnrc.yml")))
        ? ["install", "--immutable"]
        : ["install", "--frozen-lockfile"];
    default:
      return ["install", "--frozen-lockfile"];
  }
}

/** The install command, run by the pinned manager's launcher when setup provides one. */
async function installCommand(
  worktree: string,
  directory: string,
  manager: PackageManager,
  options: { locked: boolean; pinned: boolean },
): Promise<SetupCommand> {
  const args = await installArgs(worktree, directory, manager, options.locked);
  const command = setupCommand([manager, ...args], directory);
  return options.pinned ? { ...command, command: launcherPath(manager) } : command;
}

export const nodeSetup: SetupDetector = {
  name: "node",
  isManifest: (name) => name === "package.json",
  async detect(worktree, directory) {
    const text = await readManifest(worktree, inFolder(directory, "package.json"));
    if (text === undefined) return undefined;
    const manifest = parseManifest(text) ?? {};
    const field = typeof manifest.packageManager === "string" ? manifest.packageManager : undefined;
    // The folder was found by a walk that enters no link; this looks only for lockfile names in it.
    const choice = await detectPackageManager(path.join(worktree, directory), field);
    const pinnedOrNote = field === undefined ? undefined : parsePinnedManager(field);
    // Only the manager that will run is provided: a lockfile of another manager wins over the field.
    const pinned =
      pinnedOrNote && "pinned" in pinnedOrNote && pinnedOrNote.pinned.manager === choice.manager
        ? providePinnedManager(pinnedOrNote.pinned, directory)
        : undefined;
    const notes = pinnedOrNote && "note" in pinnedOrNote ? [pinnedOrNote.note] : [];
    if (pinned) notes.push(pinned.note);
    const base = { ecosystem: "node", producedDirectories: [inFolder(directory, "node_modules")] };
    const hosts = pinned ? registryHosts[choice.manager] : [];
    if (!hasDependencies(manifest)) {
      notes.push(`${inFolder(directory, "package.json")} lists no dependencies: nothing to install`);
      return { ...base, commands: pinned?.commands ?? [], allowHosts: hosts, notes };
    }
    const locked = !choice.reason.startsWith("no lockfile") && !choice.reason.startsWith("packageManager");
    const install = await installCommand(worktree, directory, choice.manager, { locked, pinned: !!pinned });
    const where = directory === "." ? "" : ` in ${directory}`;
    notes.unshift(
      locked
        ? `${choice.manager} from ${choice.reason}${where}: ${install.name} installs exactly the locked versions`
        : `${choice.reason}${where}: ${install.name} (no lockfile, so versions are not pinned)`,
    );
    const commands = [...(pinned?.commands ?? []), install];
    return { ...base, commands, allowHosts: registryHosts[choice.manager], notes };
  },
  async installsOnItsOwn(worktree, directory) {
    return (
      (await firstRegularFile(
        worktree,
        nodeLockfiles.map((file) => inFolder(directory, file)),
      )) !== undefined
    );
  },
};
