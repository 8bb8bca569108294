// A package manager pinned by package.json's `packageManager` (`pnpm@9.1.0+sha512.…`): setup, which
// may reach the registry, has corepack install exactly that version into the package's
// node_modules and writes a launcher beside it, so the gate and the agent, which have no network,
// run the pinned version offline instead of corepack trying (and failing) to download it.
import {
  type PackageManager,
  pinnedHomeDirectory,
  pinnedLauncherDirectory,
} from "../../verify/node/package-manager.ts";
import { inFolder, type SetupCommand } from "../setup-detector.ts";

/** A `packageManager` value corepack can provide: a name, an exact version and maybe a hash. */
export interface PinnedManager {
  manager: "pnpm" | "yarn";
  version: string;
  /** `sha512.<hex>` when the field pins the tarball's hash (corepack checks it). */
  hash?: string;
  spec: string;
}

const specPattern =
  /^(npm|pnpm|yarn|bun)@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+((?:sha1|sha224|sha256|sha512)\.[0-9a-f]+))?$/;

/** The pinned manager corepack should provide, or a note on why the one on PATH is used instead. */
export function parsePinnedManager(field: string): { pinned: PinnedManager } | { note: string } {
  const match = specPattern.exec(field);
  if (!match) {
    return {
      note: `packageManager "${field.slice(0, 120)}" is not name@exact-version: the package manager on PATH is used`,
    };
  }
  const [, name, version, hash] = match;
  if (name === "npm")
    return {
      note: `packageManager pins npm@${version}: the npm on PATH is used (corepack does not replace npm)`,
    };
  if (name === "bun")
    return { note: `packageManager pins bun@${version}: corepack cannot provide bun; bun on PATH is used` };
  return {
    pinned: { manager: name as "pnpm" | "yarn", version: version!, spec: field, ...(hash ? { hash } : {}) },
  };
}

// Run with `node -e` in the package's folder: reads what corepack recorded about the version it
// installed (its `.corepack` file names the program) and writes a sh launcher that runs it with
// node, its own folder first on PATH so a script's nested `pnpm run x` finds it too.
const writeLauncher = `const fs = require("node:fs"), path = require("node:path");
const [manager, version, home, bin] = process.argv.slice(1);
const installed = path.join(home, "v1", manager, version);
const meta = JSON.parse(fs.readFileSync(path.join(installed, ".corepack"), "utf8"));
const entry = typeof meta.bin === "string" ? meta.bin : meta.bin && meta.bin[manager];
if (typeof entry !== "string") { console.error("error: corepack installed " + manager + "@" + version + " without a " + manager + " program"); process.exit(1); }
const target = path.relative(bin, path.join(installed, entry));
fs.mkdirSync(bin, { recursive: true });
const text = "#!/bin/sh\\n# " + manager + "@" + version + " as package.json pins it, installed by Slipway's setup (corepack): runs offline.\\n" +
  'here=$(cd "$(dirname "$0")" && pwd)\\nPATH="$here:$PATH"\\nexport PATH\\nexec node "$here/' + target + '" "$@"\\n';
fs.writeFileSync(path.join(bin, manager), text, { mode: 0o755 });
console.log("wrote " + path.join(bin, manager) + " -> " + target);`;

/** The launcher of `manager`, relative to the package's folder (what setup's install runs). */
export function launcherPath(manager: PackageManager): string {
  return `${pinnedLauncherDirectory}/${manager}`;
}

/** Setup's commands that provide `pinned` in the package folder `directory`, and the note on why. */
export function providePinnedManager(
  pinned: PinnedManager,
  directory: string,
): { commands: SetupCommand[]; note: string } {
  const env: Record<string, string> = {
    COREPACK_HOME: pinnedHomeDirectory,
    COREPACK_ENABLE_DOWNLOAD_PROMPT: "0",
    COREPACK_ENABLE_STRICT: "0",
  };
  // With a pinned hash corepack checks the tarball's bytes against it; the registry's signature
  // check is then redundant, and registry mirrors (or an intercepting proxy) serve no signatures.
  if (pinned.hash) env.COREPACK_INTEGRITY_KEYS = "0";
  const install: SetupCommand = {
    name: `corepack install (${pinned.manager}@${pinned.version})`,
    command: "corepack",
    args: ["install"],
    cwd: directory,
    env,
  };
  const launcher: SetupCommand = {
    name: `write ${inFolder(directory, launcherPath(pinned.manager))}`,
    command: "node",
    args: ["-e", writeLauncher, pinned.manager, pinned.version, pinnedHomeDirectory, pinnedLauncherDirectory],
    cwd: directory,
  };
  const checked = pinned.hash
    ? `its ${pinned.hash.split(".")[0]} hash checked by corepack`
    : "no hash pinned, so corepack checks the registry's signature";
  const note = `packageManager pins ${pinned.manager}@${pinned.version}: corepack installs it into ${inFolder(directory, pinnedHomeDirectory)} (${checked}) and ${inFolder(directory, launcherPath(pinned.manager))} runs it offline for the install, the agent and the gate`;
  return { commands: [install, launcher], note };
}
