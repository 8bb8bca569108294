// Which Go toolchain is on PATH, judged from files only: the `go` binary's real location and the
// VERSION file of the GOROOT it sits in (`go1.22.4`), which decides whether `go test -fullpath`
// (Go 1.21 and later) can be used.
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";

export interface GoToolchain {
  /** `go` on PATH, or undefined when it is not installed. */
  go?: string;
  /** Major and minor version, when GOROOT/VERSION says. */
  version?: { major: number; minor: number };
}

/** `go1.22.4` (the first line of GOROOT/VERSION) → 1 and 22. */
export function parseGoVersion(text: string): { major: number; minor: number } | undefined {
  const match = /^go(\d+)\.(\d+)/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

export function findGoToolchain(searchPath: string): GoToolchain {
  const go = findOnPath("go", searchPath);
  if (!go) return {};
  try {
    const goroot = path.dirname(path.dirname(realpathSync(go)));
    const version = parseGoVersion(readFileSync(path.join(goroot, "VERSION"), "utf8"));
    return version ? { go, version } : { go };
  } catch {
    // No VERSION file (a wrapper script, an unusual layout): the version stays unknown.
    return { go };
  }
}

/** True when `go test -fullpath` exists (Go 1.21+), so test failures name a whole path. */
export function supportsFullPath(toolchain: GoToolchain): boolean {
  const version = toolchain.version;
  return version !== undefined && (version.major > 1 || version.minor >= 21);
}
