// Toolchains a version manager installed (rustup and cargo homes anywhere, pyenv): only the parts a
// sandbox needs are mounted, never the manager's whole directory (a cargo home can hold a crates.io
// token in credentials.toml), plus the variable that tells the manager where its installation is.
import { lstatSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

/** Where the host keeps version managers: its home directory and environment. */
export interface HostLocations {
  home: string;
  /** Read for CARGO_HOME and RUSTUP_HOME. */
  env: NodeJS.ProcessEnv;
}

/** An installation a version manager made, as the sandbox must see it. */
export interface HomeToolchain {
  manager: "rustup" | "cargo-home" | "pyenv";
  /** Host directories to mount read-only at the same path. */
  directories: string[];
  /** Variables the manager needs inside to find its installation (RUSTUP_HOME, PYENV_ROOT). */
  environment: Record<string, string>;
}

function realDirectory(candidate: string): string | undefined {
  try {
    const real = realpathSync(candidate);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** Files and folders cargo keeps in its home beside `bin`: any one marks a folder as a CARGO_HOME. */
const cargoHomeMarkers = [
  "credentials.toml",
  "credentials",
  "config.toml",
  "config",
  "registry",
  "git",
  "env",
  ".crates.toml",
  ".crates2.json",
  ".package-cache",
  ".global-cache",
];

function exists(candidate: string): boolean {
  try {
    lstatSync(candidate);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `programDirectory` (a real path) is the `bin` of a CARGO_HOME: $CARGO_HOME or ~/.cargo, or
 * any `bin` holding cargo or rustup beside something only a cargo home holds (credentials.toml,
 * registry/ …), wherever it lies: /usr/local/cargo in the official rust image, a copied home in /opt.
 */
function isCargoHomeBin(programDirectory: string, host: HostLocations): boolean {
  if (path.basename(programDirectory) !== "bin") return false;
  const cargoHome = path.dirname(programDirectory);
  const configured = [host.env.CARGO_HOME, path.join(host.home, ".cargo")].flatMap((home) =>
    home ? (realDirectory(home) ?? []) : [],
  );
  if (configured.includes(cargoHome)) return true;
  const holdsCargo = ["cargo", "rustup"].some((name) => exists(path.join(programDirectory, name)));
  return holdsCargo && cargoHomeMarkers.some((marker) => exists(path.join(cargoHome, marker)));
}

/**
 * The rustup home a cargo home's proxies use: $RUSTUP_HOME when set (as rustup itself does), else a
 * `rustup` or `.rustup` beside the cargo home (/usr/local/rustup beside /usr/local/cargo), else
 * ~/.rustup; only one holding `toolchains/` counts.
 */
function rustupHomeFor(cargoHome: string, host: HostLocations): string | undefined {
  const parent = path.dirname(cargoHome);
  const candidates = host.env.RUSTUP_HOME
    ? [host.env.RUSTUP_HOME]
    : [path.join(parent, "rustup"), path.join(parent, ".rustup"), path.join(host.home, ".rustup")];
  for (const candidate of candidates) {
    const home = realDirectory(candidate);
    if (home !== undefined && realDirectory(path.join(home, "toolchains"))) return home;
  }
  return undefined;
}

/**
 * A program in the `bin` of a CARGO_HOME (see isCargoHomeBin), where rustup keeps its proxies and
 * `cargo install` its programs. Mounted: that bin directory and the rustup home when there is one
 * (with RUSTUP_HOME) — never the cargo home itself, which holds credentials.toml (a crates.io
 * token), config.toml (registry tokens) and the registry cache. CARGO_HOME stays the default under
 * the sandbox's own writable $HOME, so registry caches land there.
 */
export function cargoHomeInstallation(
  programDirectory: string,
  host: HostLocations,
): HomeToolchain | undefined {
  if (!isCargoHomeBin(programDirectory, host)) return undefined;
  const rustupHome = rustupHomeFor(path.dirname(programDirectory), host);
  if (rustupHome === undefined)
    return { manager: "cargo-home", directories: [programDirectory], environment: {} };
  return {
    manager: "rustup",
    directories: [programDirectory, rustupHome],
    environment: { RUSTUP_HOME: rustupHome },
  };
}

/**
 * pyenv: the program is a shim in `<root>/shims` (or a plugin's, `<root>/plugins/<plugin>/shims`)
 * and `<root>/versions` exists. Mounted: the pyenv root, which holds the shims, pyenv itself and
 * the installed Pythons.
 */
export function pyenvInstallation(programDirectory: string): HomeToolchain | undefined {
  if (path.basename(programDirectory) !== "shims") return undefined;
  const owner = path.dirname(programDirectory);
  const plugins = path.dirname(owner);
  const candidates = path.basename(plugins) === "plugins" ? [owner, path.dirname(plugins)] : [owner];
  const root = candidates.find((candidate) => realDirectory(path.join(candidate, "versions")));
  if (root === undefined) return undefined;
  return { manager: "pyenv", directories: [root], environment: { PYENV_ROOT: root } };
}

/** The version-manager installation a program in `programDirectory` (a real path) belongs to, if any. */
export function homeToolchainOf(programDirectory: string, host: HostLocations): HomeToolchain | undefined {
  return cargoHomeInstallation(programDirectory, host) ?? pyenvInstallation(programDirectory);
}
