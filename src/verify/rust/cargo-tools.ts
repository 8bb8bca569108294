// Whether cargo and clippy are installed, judged from files only (a detector runs nothing):
// `cargo` on PATH, and `cargo-clippy` beside it. When cargo is a rustup proxy, the proxy
// `cargo-clippy` exists whether or not the toolchain has clippy, so the default toolchain's own
// bin/ directory is what answers.
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";

export interface CargoTools {
  /** cargo's path on PATH, or undefined when it is not installed. */
  cargo?: string;
  clippy: boolean;
  /** Why clippy is or is not available, for the detection notes. */
  reason: string;
}

/** True when `entry` is one of rustup's proxies (a link to, or copy named as, the rustup binary). */
function isRustupProxy(entry: string): boolean {
  try {
    return path.basename(realpathSync(entry)).startsWith("rustup");
  } catch {
    // A dangling link is no proxy we can follow.
    return false;
  }
}

/** The default toolchain's name from rustup's settings.toml, if it can be read. */
function defaultToolchain(rustupHome: string): string | undefined {
  try {
    const settings = readFileSync(path.join(rustupHome, "settings.toml"), "utf8");
    return /^default_toolchain\s*=\s*"([^"]+)"/m.exec(settings)?.[1];
  } catch {
    // No settings file: rustup has no default toolchain, which the caller reports.
    return undefined;
  }
}

/** Toolchain directories under rustup's home whose name is `name` or starts with `name-` (a short channel). */
function toolchainDirectories(rustupHome: string, name: string | undefined): string[] {
  let entries: string[];
  try {
    entries = readdirSync(path.join(rustupHome, "toolchains"));
  } catch {
    // No toolchains directory: nothing is installed.
    return [];
  }
  const matching =
    name === undefined ? entries : entries.filter((entry) => entry === name || entry.startsWith(`${name}-`));
  return matching.map((entry) => path.join(rustupHome, "toolchains", entry));
}

function rustupClippy(rustupHome: string): { clippy: boolean; reason: string } {
  const toolchain = defaultToolchain(rustupHome);
  const directories = toolchainDirectories(rustupHome, toolchain);
  const withClippy = directories.find((directory) => existsSync(path.join(directory, "bin", "cargo-clippy")));
  const which = toolchain
    ? `rustup's default toolchain ${toolchain}`
    : `a rustup toolchain under ${rustupHome}`;
  if (withClippy) return { clippy: true, reason: `${which} has cargo-clippy` };
  return { clippy: false, reason: `${which} has no cargo-clippy (rustup component add clippy)` };
}

/** Find cargo on `searchPath` and decide whether clippy is installed for it. */
export function findCargoTools(searchPath: string, rustupHome: string): CargoTools {
  const cargo = findOnPath("cargo", searchPath);
  if (!cargo) return { clippy: false, reason: "cargo is not on PATH" };
  const besideCargo = path.join(path.dirname(cargo), "cargo-clippy");
  if (!existsSync(besideCargo)) return { cargo, clippy: false, reason: `no cargo-clippy beside ${cargo}` };
  if (isRustupProxy(cargo)) return { cargo, ...rustupClippy(rustupHome) };
  return { cargo, clippy: true, reason: `${besideCargo} exists` };
}
