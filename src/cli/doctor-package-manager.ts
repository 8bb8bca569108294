// What `slipway doctor` says about the package manager the project's package.json pins
// (`packageManager: pnpm@9.1.0`): whether that version is really here (corepack's cache, setup's
// launcher, or a pnpm/yarn of that version on PATH), or only corepack's shim, which would download
// it — and sandboxes have no network, so every check would fail after a minute.
import { lstat, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { type PinnedManager, parsePinnedManager } from "../setup/node/pinned-manager.ts";
import { pinnedHomeDirectory, pinnedLauncherDirectory } from "../verify/node/package-manager.ts";
import type { DoctorFinding } from "./doctor-request.ts";

/** package.json is a few kilobytes; a larger one is not read. */
const maxPackageJsonBytes = 1024 * 1024;
/** Folders climbed from a program to its package.json (`lib/node_modules/pnpm/bin/pnpm.cjs`). */
const maxLevels = 4;

async function isFile(file: string): Promise<boolean> {
  return (await lstat(file).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(directory: string): Promise<boolean> {
  return (await lstat(directory).catch(() => undefined))?.isDirectory() ?? false;
}

/** The `packageManager` field of `directory`'s package.json (a regular file), when it has one. */
async function packageManagerField(directory: string): Promise<string | undefined> {
  const file = path.join(directory, "package.json");
  const stat = await lstat(file).catch(() => undefined);
  if (!stat?.isFile() || stat.size > maxPackageJsonBytes) return undefined;
  try {
    const field = (JSON.parse(await readFile(file, "utf8")) as { packageManager?: unknown } | null)
      ?.packageManager;
    return typeof field === "string" ? field : undefined;
  } catch {
    return undefined;
  }
}

/** Where corepack keeps what it downloaded: COREPACK_HOME, else the XDG cache's node/corepack. */
function corepackHome(env: NodeJS.ProcessEnv, home: string): string {
  if (env.COREPACK_HOME) return env.COREPACK_HOME;
  return path.join(env.XDG_CACHE_HOME || path.join(home, ".cache"), "node", "corepack");
}

/** `manager` on `searchPath`, with its real path, when there is one. */
async function onPath(
  manager: string,
  searchPath: string,
): Promise<{ program: string; real: string } | undefined> {
  for (const directory of searchPath.split(":").filter((entry) => path.isAbsolute(entry))) {
    const program = path.join(directory, manager);
    const real = await realpath(program).catch(() => undefined);
    if (real !== undefined && (await isFile(real))) return { program, real };
  }
  return undefined;
}

/** The version in the package.json of the `manager` package a program belongs to, when found. */
async function programVersion(real: string, manager: string): Promise<string | undefined> {
  let current = path.dirname(real);
  for (let level = 0; level < maxLevels; level++) {
    const file = path.join(current, "package.json");
    if (await isFile(file)) {
      const text = await readFile(file, "utf8").catch(() => "");
      const parsed = (() => {
        try {
          return JSON.parse(text) as { name?: unknown; version?: unknown };
        } catch {
          return undefined;
        }
      })();
      if (parsed?.name === manager && typeof parsed.version === "string") return parsed.version;
    }
    current = path.dirname(current);
  }
  return undefined;
}

/** Where the pinned version is provided from, or undefined with what stands on PATH instead. */
async function provider(
  pinned: PinnedManager,
  projectDir: string,
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<{ from?: string; instead: string }> {
  const { manager, version } = pinned;
  const launcher = path.join(projectDir, pinnedLauncherDirectory, manager);
  if (await isFile(launcher)) return { from: `setup's launcher ${launcher}`, instead: "" };
  for (const cache of [corepackHome(env, home), path.join(projectDir, pinnedHomeDirectory)]) {
    for (const folder of [path.join(cache, "v1", manager, version), path.join(cache, manager, version)]) {
      if (await isDirectory(folder)) return { from: `corepack's cache ${folder}`, instead: "" };
    }
  }
  const found = await onPath(manager, env.PATH ?? "");
  if (!found) return { instead: `there is no ${manager} on PATH` };
  if (found.real.split(path.sep).includes("corepack"))
    return {
      instead: `the ${manager} on PATH (${found.program}) is corepack's shim, which would download it`,
    };
  const installed = await programVersion(found.real, manager);
  if (installed === version) return { from: `${found.program} (${manager} ${installed})`, instead: "" };
  return { instead: `the ${manager} on PATH (${found.program}) is ${installed ?? "of an unknown version"}` };
}

/** The finding on the pinned package manager of the project in `projectDir`; none when nothing is pinned. */
export async function checkPinnedManager(
  projectDir: string,
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<DoctorFinding[]> {
  const field = await packageManagerField(projectDir);
  if (field === undefined) return [];
  const parsed = parsePinnedManager(field);
  if (!("pinned" in parsed)) return [];
  const { manager, version } = parsed.pinned;
  const spec = `${manager}@${version}`;
  const found = await provider(parsed.pinned, projectDir, env, home);
  if (found.from)
    return [
      { name: manager, state: "ok", detail: `${spec} (package.json's packageManager) from ${found.from}` },
    ];
  return [
    {
      name: manager,
      state: "warning",
      detail: `${spec}, which package.json's packageManager pins, is not installed here: ${found.instead}, and commands in a sandbox have no network`,
      fix: `\`corepack install\` here (with network) puts ${spec} in corepack's cache; a run's setup installs it with corepack itself when corepack is on PATH and setup may reach the registry`,
    },
  ];
}
