// Toolchains a version manager installed under a home directory (rustup, pyenv): only the parts a
// sandbox needs are mounted, never the manager's whole directory (~/.cargo can hold a crates.io
// token in credentials.toml), plus the variable that tells the manager where its installation is.
import { realpathSync, statSync } from "node:fs";
import path from "node:path";

/** Where the host keeps version managers: its home directory and environment. */
export interface HostLocations {
  home: string;
  /** Read for CARGO_HOME and RUSTUP_HOME. */
  env: NodeJS.ProcessEnv;
}

/** An installation a version manager made, as the sandbox must see it. */
export interface HomeToolchain {
  manager: "rustup" | "pyenv";
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

/**
 * rustup: the program lies in `$CARGO_HOME/bin` (default ~/.cargo/bin), where rustup keeps its
 * proxies, and a rustup home with installed toolchains exists ($RUSTUP_HOME, default ~/.rustup).
 * Mounted: that bin directory and the rustup home; CARGO_HOME stays the default under the sandbox's
 * own writable $HOME, so registry caches land there.
 */
export function rustupInstallation(programDirectory: string, host: HostLocations): HomeToolchain | undefined {
  const cargoBin = realDirectory(path.join(host.env.CARGO_HOME || path.join(host.home, ".cargo"), "bin"));
  if (cargoBin === undefined || cargoBin !== programDirectory) return undefined;
  const rustupHome = realDirectory(host.env.RUSTUP_HOME || path.join(host.home, ".rustup"));
  if (rustupHome === undefined || !realDirectory(path.join(rustupHome, "toolchains"))) return undefined;
  return {
    manager: "rustup",
    directories: [cargoBin, rustupHome],
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
  return rustupInstallation(programDirectory, host) ?? pyenvInstallation(programDirectory);
}
