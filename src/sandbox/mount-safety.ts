// Which host directories a sandbox may mount read-only: never one that exposes a home directory as a
// whole, a credentials file or directory in it, the Slipway data directory or the worktree.
import { realpathSync } from "node:fs";
import path from "node:path";

/**
 * Credentials under a home directory: ssh and gpg keys, cloud and registry logins, package-manager
 * tokens (`~/.cargo/credentials.toml`, so `~/.cargo` as a whole is refused but `~/.cargo/bin` is
 * fine), and the default Slipway data directory.
 */
export const homeSecrets = [
  ".ssh",
  ".gnupg",
  ".aws",
  ".azure",
  ".config",
  ".docker",
  ".kube",
  ".local/share/keyrings",
  ".netrc",
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  ".pypirc",
  ".git-credentials",
  ".cargo/credentials.toml",
  ".cargo/credentials",
  ".m2/settings.xml",
  ".m2/settings-security.xml",
  ".gradle/gradle.properties",
  ".slipway",
] as const;

/** Host paths no sandbox mount may expose. */
export interface ProtectedPaths {
  /** Directories a mount may lie inside but never be or contain: home directories, the worktree. */
  roots: string[];
  /** Paths a mount may neither contain nor lie inside: credentials, the data directory. */
  secrets: string[];
}

/** `candidate` itself, plus its real path when it exists and differs (a link must not slip past). */
function withRealPath(candidate: string): string[] {
  try {
    const real = realpathSync(candidate);
    return real === candidate ? [candidate] : [candidate, real];
  } catch {
    // Not on this host: only the path as written can be compared.
    return [candidate];
  }
}

/** The protected paths of `homes` (the home directories and their secrets), plus `more`. */
export function protectedHostPaths(homes: string[], more: Partial<ProtectedPaths> = {}): ProtectedPaths {
  const roots = [...homes, ...(more.roots ?? [])];
  const secrets = [
    ...homes.flatMap((home) => homeSecrets.map((entry) => path.join(home, entry))),
    ...(more.secrets ?? []),
  ];
  return {
    roots: [...new Set(roots.flatMap(withRealPath))],
    secrets: [...new Set(secrets.flatMap(withRealPath))],
  };
}

/** True when `child` is `parent` or lies below it. */
export function isWithin(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent === "/" ? "/" : `${parent}/`);
}

function exposure(directory: string, guarded: string): string {
  return directory === guarded ? `it is ${guarded}` : `it contains ${guarded}`;
}

/**
 * Why `directory` (absolute, as it will be mounted) may not be mounted, or undefined when it may.
 * A plain list of paths is taken as roots only (directories the mount may not be or contain).
 */
export function unsafeMountReason(
  directory: string,
  guarded: ProtectedPaths | readonly string[],
): string | undefined {
  const protectedPaths = "roots" in guarded ? guarded : { roots: [...guarded], secrets: [] };
  const root = protectedPaths.roots.find((guarded) => isWithin(guarded, directory));
  if (root) return exposure(directory, root);
  const secret = protectedPaths.secrets.find(
    (guarded) => isWithin(guarded, directory) || isWithin(directory, guarded),
  );
  if (secret) {
    return isWithin(directory, secret) && directory !== secret
      ? `it is inside ${secret}`
      : exposure(directory, secret);
  }
  return directory.split("/").filter(Boolean).length < 2 ? "it is a top-level directory" : undefined;
}

/**
 * Why a directory someone named for a read-only mount may not be mounted: it must be absolute, and
 * neither it nor its real path (a link must not lead around the check) may expose a protected path.
 */
export function namedMountProblem(directory: string, protectedPaths: ProtectedPaths): string | undefined {
  if (!path.isAbsolute(directory)) return "it is not an absolute path";
  const normal = path.resolve(directory);
  for (const candidate of withRealPath(normal)) {
    const reason = unsafeMountReason(candidate, protectedPaths);
    if (reason) return candidate === normal ? reason : `it leads to ${candidate}: ${reason}`;
  }
  return undefined;
}
