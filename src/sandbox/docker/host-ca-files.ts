// The host's CA-bundle files a docker sandbox shows read-only at the same path: the certificate
// variables cross into every sandbox (sandbox-env), and on bwrap their files are the host's /etc/ssl;
// a container has the image's /etc, so without these mounts node, pip and curl inside refuse a
// registry reached through an intercepting proxy (SELF_SIGNED_CERT_IN_CHAIN).
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { isWithin, type ProtectedPaths } from "../mount-safety.ts";
import { sandboxHome } from "./container-config.ts";

/** The certificate variables that name one file (SSL_CERT_DIR names a directory: never mounted). */
export const caFileVariables = [
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "REQUESTS_CA_BUNDLE",
  "PIP_CERT",
  "CURL_CA_BUNDLE",
  "GIT_SSL_CAINFO",
] as const;

/** A CA bundle is a few hundred KiB; anything far larger is not one, and is not shown. */
export const maxCaFileBytes = 16 * 1024 * 1024;

/** Places no CA file may be mounted over: the kernel's, the platform's and the writable ones. */
const refusedTargets = ["/proc", "/sys", "/dev", "/run", "/tmp", sandboxHome];

/** One host file to mount read-only: `source` (its real path) shown at `target` (the variable's value). */
export interface CaFileMount {
  source: string;
  target: string;
}

/**
 * The CA files named by the host's certificate variables, each once: only absolute, normalized
 * paths to regular files (after links) under the size cap, never under the worktree or a directory
 * the container provides itself, never a protected secret (credentials, the data directory) by its
 * name or its real path. A value that fails any of these is left out (the variable still crosses,
 * as on bwrap, and the tool inside says what it cannot read).
 */
export function hostCaFiles(
  worktree: string,
  guarded: ProtectedPaths,
  host: NodeJS.ProcessEnv = process.env,
): CaFileMount[] {
  const mounts = new Map<string, CaFileMount>();
  for (const name of caFileVariables) {
    const target = host[name];
    if (!target || mounts.has(target)) continue;
    if (!path.isAbsolute(target) || path.normalize(target) !== target) continue;
    if ([worktree, ...refusedTargets].some((refused) => isWithin(target, refused))) continue;
    try {
      const source = realpathSync(target);
      if (guarded.secrets.some((secret) => isWithin(source, secret) || isWithin(target, secret))) continue;
      if (isWithin(source, worktree)) continue;
      const stat = statSync(source);
      if (!stat.isFile() || stat.size > maxCaFileBytes) continue;
      mounts.set(target, { source, target });
    } catch {
      // Missing or unreadable: nothing to show.
    }
  }
  return [...mounts.values()];
}
