// Node setup: the package manager the lockfile names, with its frozen-lockfile install, run once at
// the root (a workspace's packages are installed by the root's install).
import { detectPackageManager, type PackageManager } from "../../verify/node/package-manager.ts";
import { isRegularFile, readManifest } from "../repo-files.ts";
import { type SetupCommand, type SetupDetector, setupCommand } from "../setup-detector.ts";

const npmRegistry = "registry.npmjs.org";

const registryHosts: Readonly<Record<PackageManager, string[]>> = {
  npm: [npmRegistry],
  pnpm: [npmRegistry],
  yarn: [npmRegistry, "registry.yarnpkg.com", "repo.yarnpkg.com"],
  bun: [npmRegistry],
};

/** True when package.json lists any dependency to install (an unreadable one counts as none). */
function hasDependencies(text: string): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    // A broken package.json is the verifiers' to report; setup has nothing to install from it.
    return false;
  }
  if (typeof manifest !== "object" || manifest === null) return false;
  const fields = ["dependencies", "devDependencies", "optionalDependencies", "workspaces"] as const;
  return fields.some((field) => {
    const value = (manifest as Record<string, unknown>)[field];
    return typeof value === "object" && value !== null && Object.keys(value).length > 0;
  });
}

async function installCommand(
  worktree: string,
  manager: PackageManager,
  locked: boolean,
): Promise<SetupCommand> {
  if (!locked) return setupCommand([manager, "install"]);
  switch (manager) {
    case "npm":
      return setupCommand(["npm", "ci", "--no-audit", "--no-fund"]);
    case "pnpm":
      return setupCommand(["pnpm", "install", "--frozen-lockfile"]);
    case "yarn":
      // Yarn 2+ (a .yarnrc.yml) spells the frozen install --immutable; Yarn 1 --frozen-lockfile.
      return (await isRegularFile(worktree, ".yarnrc.yml"))
        ? setupCommand(["yarn", "install", "--immutable"])
        : setupCommand(["yarn", "install", "--frozen-lockfile"]);
    case "bun":
      return setupCommand(["bun", "install", "--frozen-lockfile"]);
  }
}

function packageManagerField(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as Record<string, unknown>).packageManager;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

export const nodeSetup: SetupDetector = {
  name: "node",
  async detect(worktree) {
    const manifest = await readManifest(worktree, "package.json");
    if (manifest === undefined) return undefined;
    const base = { ecosystem: "node", producedDirectories: ["node_modules"] };
    if (!hasDependencies(manifest)) {
      return {
        ...base,
        commands: [],
        allowHosts: [],
        notes: ["package.json lists no dependencies: nothing to install"],
      };
    }
    const choice = await detectPackageManager(worktree, packageManagerField(manifest));
    const locked = !choice.reason.startsWith("no lockfile") && !choice.reason.startsWith("packageManager");
    const command = await installCommand(worktree, choice.manager, locked);
    const why = locked
      ? `${choice.manager} from ${choice.reason}: ${command.name} installs exactly the locked versions`
      : `${choice.reason}: ${command.name} (no lockfile, so versions are not pinned)`;
    return { ...base, commands: [command], allowHosts: registryHosts[choice.manager], notes: [why] };
  },
};
