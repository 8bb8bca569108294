// Credential files that may sit inside a host directory a sandbox mounts read-only (a toolchain's
// installation, /usr/local): found by a bounded, two-level scan so each can be masked by an empty
// read-only file inside. Defence in depth behind mount-safety, which knows only the homes' secrets.
import { closeSync, constants, lstatSync, opendirSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";
import { isWithin } from "./mount-safety.ts";

/**
 * Paths, relative to a scanned directory or to one of its subdirectories, whose whole purpose is a
 * credential: cargo's tokens, PyPI's, netrc and git's credential store, Gradle's properties, Maven's
 * master password, docker's login, AWS's `.aws/credentials`, ssh keys. Always masked. `*.pem` is
 * left out on purpose: toolchains ship CA bundles under that name.
 */
export const credentialFileNames = [
  "credentials.toml",
  "credentials",
  ".credentials.toml",
  ".pypirc",
  ".netrc",
  ".git-credentials",
  "gradle.properties",
  "settings-security.xml",
  ".docker/config.json",
  "id_rsa",
  "id_ecdsa",
  "id_ed25519",
  "id_dsa",
] as const;

/**
 * Configuration files that often hold a credential but also settings a tool needs (a global
 * `etc/npmrc` with `cafile=`, a venv's `pip.conf` with an index, Maven's `conf/settings.xml`, which
 * mvn cannot read empty): masked only when their text holds one (see `secretSetting`).
 */
export const credentialConfigNames = [
  ".npmrc",
  "npmrc",
  ".yarnrc",
  "yarnrc",
  ".yarnrc.yml",
  "yarnrc.yml",
  "pip.conf",
  "conf/settings.xml",
] as const;

/**
 * A cargo home's own configuration (registry tokens, credential providers), masked whole wherever a
 * folder holds `bin/cargo` or `bin/rustup`: a sandbox never uses the host's cargo home (CARGO_HOME is
 * the sandbox's own), and under /usr (the rust image's /usr/local/cargo) it cannot be left unmounted.
 */
const cargoHomeConfigNames = ["config.toml", "config"] as const;

function isCargoHome(directory: string): boolean {
  return (
    kindOf(path.join(directory, "bin", "cargo")) !== undefined ||
    kindOf(path.join(directory, "bin", "rustup")) !== undefined
  );
}

/**
 * A setting that carries a secret: npm's `_auth`/`_authToken`/`_password`/`username=`, client
 * `key`/`keyfile`/`certfile`, yarn's `npmAuthToken`/`npmAuthIdent`, Maven's `<password>`,
 * `<privateKey>`, `<passphrase>`, and a `user:password@` inside a URL (pip's index-url).
 */
const secretSetting =
  /_auth|_password|npmauth|<password>|<privatekey>|<passphrase>|^\s*(username|key|keyfile|certfile)\s*=|:\/\/[^\s/@:]+:[^\s/@]+@/im;

/** Bounds of the scan: subdirectories looked at per directory, bytes of a configuration file read. */
export const credentialScanLimits = { subdirectories: 256, configBytes: 256 * 1024 } as const;

function kindOf(candidate: string): "file" | "link" | undefined {
  try {
    // No exception for a missing path: most candidates are missing, and throwing costs ten times more.
    const stat = lstatSync(candidate, { throwIfNoEntry: false });
    if (stat?.isFile()) return "file";
    return stat?.isSymbolicLink() ? "link" : undefined;
  } catch {
    // ENOTDIR and the like: not there either.
    return undefined;
  }
}

/** The directory's subdirectories (not links), at most `credentialScanLimits.subdirectories` read. */
function subdirectoriesOf(directory: string): string[] {
  const found: string[] = [];
  let handle: ReturnType<typeof opendirSync> | undefined;
  try {
    handle = opendirSync(directory);
    for (let read = 0; read < credentialScanLimits.subdirectories; read++) {
      const entry = handle.readSync();
      if (entry === null) break;
      if (entry.isDirectory()) found.push(path.join(directory, entry.name));
    }
  } catch {
    // Unreadable to us: nothing in it can be listed, so nothing to add.
  } finally {
    handle?.closeSync();
  }
  return found;
}

function holdsSecretSetting(file: string): boolean {
  let descriptor: number | undefined;
  try {
    // Never blocks (a FIFO swapped in after the check) and never follows a link put in its place.
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    const buffer = Buffer.alloc(credentialScanLimits.configBytes);
    const text = buffer.subarray(0, readSync(descriptor, buffer, 0, buffer.length, 0)).toString("utf8");
    return secretSetting.test(text);
  } catch {
    // Unreadable to the platform (root here): the sandbox's user cannot read it either.
    return false;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/**
 * The file a credential path shows inside the sandbox: itself, or for a link its real target when
 * that lies inside a `reachable` directory (elsewhere it dangles inside, nothing to mask).
 */
function maskTarget(candidate: string, reachable: readonly string[]): string | undefined {
  const kind = kindOf(candidate);
  if (kind === "file") return candidate;
  if (kind !== "link") return undefined;
  try {
    const real = realpathSync(candidate);
    return kindOf(real) === "file" && reachable.some((directory) => isWithin(real, directory))
      ? real
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Credential files in each of `directories` and their direct subdirectories (two levels, no links
 * followed, bounded), as the paths to mask; `reachable` are all directories the sandbox mounts.
 */
export function credentialFilesIn(directories: readonly string[], reachable: readonly string[]): string[] {
  const found = new Set<string>();
  for (const directory of new Set(directories)) {
    for (const level of [directory, ...subdirectoriesOf(directory)]) {
      for (const name of credentialFileNames) {
        const target = maskTarget(path.join(level, name), reachable);
        if (target) found.add(target);
      }
      for (const name of credentialConfigNames) {
        const target = maskTarget(path.join(level, name), reachable);
        if (target && holdsSecretSetting(target)) found.add(target);
      }
      if (!isCargoHome(level)) continue;
      for (const name of cargoHomeConfigNames) {
        const target = maskTarget(path.join(level, name), reachable);
        if (target) found.add(target);
      }
    }
  }
  return [...found].sort();
}
