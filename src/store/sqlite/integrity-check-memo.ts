// Remembers the last clean integrity check of a store file in a sidecar (<file>.checked), so writing
// opens (run, worker) read every page at most once an hour instead of at every start (issue 14).
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { z } from "zod";

/** How long a clean check is trusted while the file stays the same file and does not shrink. */
export const integrityCheckIntervalMs = 60 * 60 * 1000;

const Memo = z.object({
  checkedAtMs: z.number(),
  dev: z.number(),
  ino: z.number(),
  size: z.number(),
});
type Memo = z.infer<typeof Memo>;

function memoPath(filePath: string): string {
  return `${filePath}.checked`;
}

function fileIdentity(filePath: string): Omit<Memo, "checkedAtMs"> | undefined {
  try {
    const stat = statSync(filePath);
    return { dev: stat.dev, ino: stat.ino, size: stat.size };
  } catch {
    return undefined;
  }
}

/**
 * True when a clean check of this very file (same device and inode) is younger than the interval
 * and the file has not shrunk since: growth is what a store does; a replaced or truncated file is not.
 */
export function recentlyChecked(filePath: string, now = Date.now()): boolean {
  const identity = fileIdentity(filePath);
  if (identity === undefined) return false;
  let memo: Memo;
  try {
    memo = Memo.parse(JSON.parse(readFileSync(memoPath(filePath), "utf8")));
  } catch {
    // Missing or garbled: check again.
    return false;
  }
  const age = now - memo.checkedAtMs;
  return (
    age >= 0 &&
    age < integrityCheckIntervalMs &&
    memo.dev === identity.dev &&
    memo.ino === identity.ino &&
    identity.size >= memo.size
  );
}

/** Remember a clean check of `filePath` now; a failure to write only costs the next open a check. */
export function rememberCleanCheck(filePath: string, now = Date.now()): void {
  const identity = fileIdentity(filePath);
  if (identity === undefined) return;
  try {
    writeFileSync(memoPath(filePath), `${JSON.stringify({ checkedAtMs: now, ...identity })}\n`);
  } catch {
    // A read-only data directory: every writing open checks, as before.
  }
}

/** Forget any clean check: a file that failed one is checked at every open until it passes. */
export function forgetCleanCheck(filePath: string): void {
  rmSync(memoPath(filePath), { force: true });
}
