// Finds the installation directories of toolchains named in the backend's settings (e.g. `node`
// under /opt/node24, rustup's proxies in ~/.cargo/bin), so they can be mounted read-only without
// exposing the rest of /opt or $HOME.
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { credentialFilesIn } from "../credential-files.ts";
import { isWithin, type ProtectedPaths, unsafeMountReason } from "../mount-safety.ts";
import { type HomeToolchain, type HostLocations, homeToolchainOf } from "./home-toolchains.ts";

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

/**
 * Programs whose installations the bwrap backend mounts unless configured otherwise
 * (`sandbox.toolchains`); those found under /usr need no mount and those not on PATH are skipped.
 */
export const defaultToolchainNames = [
  "node",
  "npm",
  "npx",
  "pnpm",
  "yarn",
  "bun",
  "python3",
  "python",
  "pytest",
  "ruff",
  "mypy",
  "uv",
  "poetry",
  "cargo",
  "rustc",
  "go",
  "mvn",
  "gradle",
  "java",
  "make",
  // C and C++: CMake, CTest and the compilers (most often under /usr; a Kitware or pip cmake is not).
  "cmake",
  "ctest",
  "gcc",
  "g++",
  "cc",
  "c++",
  "clang",
] as const;

export interface ToolchainContext {
  /** The host PATH the programs are looked up on. */
  searchPath: string;
  /** Host paths no mount may expose (the homes and their secrets, the worktree, the scratch dir). */
  protectedPaths: ProtectedPaths;
  /** Where version managers keep their installations; without it rustup and pyenv go unrecognised. */
  host?: HostLocations;
}

/** A toolchain found on PATH and what makes it reachable inside the sandbox. */
export interface FoundToolchain {
  name: string;
  /** Where it was found on PATH. */
  program: string;
  /** Host directories mounted for it; empty when the system mounts (/usr …) already hold it. */
  directories: string[];
  /** The version manager that installed it, when one did. */
  manager?: HomeToolchain["manager"];
}

export interface ToolchainMounts {
  /** Directories to mount read-only at the same path inside the sandbox. */
  directories: string[];
  /** Variables the mounted version managers need inside (RUSTUP_HOME, PYENV_ROOT). */
  environment: Record<string, string>;
  /** Toolchains that are reachable inside, in the order named. */
  found: FoundToolchain[];
  /** Toolchains that could not be mounted, with the reason (missing, or unsafe to mount). */
  skipped: { name: string; reason: string }[];
  /**
   * Credential files inside the mounted directories or the system directories (a cargo home's
   * credentials.toml under /usr/local, a global npmrc): each is covered by an empty read-only file.
   */
  masked: string[];
}

type Resolution =
  | { found: FoundToolchain; environment: Record<string, string> }
  | { skipped: { name: string; reason: string } };

/** Where `name` is on PATH and what to mount for it: a version manager's parts, else its installation root. */
function resolveToolchain(name: string, context: ToolchainContext): Resolution {
  const program = findOnPath(name, context.searchPath);
  if (!program) return { skipped: { name, reason: "not found on PATH" } };
  // The PATH entry's own directory is resolved (/bin → /usr/bin) but not the program's link.
  const programDirectory = realpathSync(path.dirname(program));
  // A cargo home is recognised with or without the host's environment: never mounted whole.
  const managed = homeToolchainOf(programDirectory, context.host ?? { home: homedir(), env: {} });
  const candidates = managed?.directories ?? [
    installationRoot(path.join(programDirectory, path.basename(program)), realpathSync(program)),
  ];
  const directories = candidates.filter(
    (directory) => !systemDirectories.some((system) => isWithin(directory, system)),
  );
  for (const directory of directories) {
    const unsafe = unsafeMountReason(directory, context.protectedPaths);
    if (unsafe) return { skipped: { name, reason: `${directory} is not mounted: ${unsafe}` } };
  }
  return {
    found: { name, program, directories, manager: managed?.manager },
    environment: managed?.environment ?? {},
  };
}

/**
 * Resolve the toolchains `names` on the context's PATH to directories to mount, dropping those the
 * system mounts cover and refusing any that would expose a protected path.
 */
export function toolchainMounts(names: readonly string[], context: ToolchainContext): ToolchainMounts {
  const found: FoundToolchain[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const environment: Record<string, string> = {};
  for (const name of names) {
    const resolution = resolveToolchain(name, context);
    if ("skipped" in resolution) {
      skipped.push(resolution.skipped);
      continue;
    }
    found.push(resolution.found);
    Object.assign(environment, resolution.environment);
  }
  const unique = [...new Set(found.flatMap((toolchain) => toolchain.directories))].sort();
  const directories = unique.filter((dir) => !unique.some((other) => other !== dir && isWithin(dir, other)));
  const masked = credentialFilesIn(scanRoots(directories, context), [...systemDirectories, ...directories]);
  return { directories, environment, found, skipped, masked };
}

/** At most this many PATH entries are looked at for installation roots under the mounts. */
const maxPathEntries = 64;

/**
 * Where credential files are looked for (two levels deep): every mounted toolchain directory;
 * /usr and /usr/local, mounted whole; the installation root of each PATH entry under any mount
 * (/usr/local/cargo for /usr/local/cargo/bin, the rust image's CARGO_HOME) and $CARGO_HOME.
 */
function scanRoots(directories: readonly string[], context: ToolchainContext): string[] {
  const mounted = [...systemDirectories, ...directories];
  const entries = context.searchPath.split(path.delimiter).slice(0, maxPathEntries);
  const cargoHome = context.host?.env.CARGO_HOME;
  const roots = [...entries.map((entry) => (path.basename(entry) === "bin" ? path.dirname(entry) : entry))];
  if (cargoHome) roots.push(cargoHome);
  const underMounts = roots.flatMap((root) => {
    if (!path.isAbsolute(root)) return [];
    const real = realOrUndefined(root);
    return real && mounted.some((directory) => isWithin(real, directory)) ? [real] : [];
  });
  return [...new Set([...directories, "/usr", "/usr/local", ...underMounts])];
}

function realOrUndefined(candidate: string): string | undefined {
  try {
    return realpathSync(candidate);
  } catch {
    return undefined;
  }
}
