// Makes every finding's file relative to the worktree root, whatever the tool printed: absolute
// paths, file:// URLs, or paths relative to the directory the check ran in; and takes the
// worktree's absolute prefix out of messages and command output, so the agent, the summary and
// the trace read repository-relative file:line, never the host's data directory layout.
import { realpath } from "node:fs/promises";
import path from "node:path";
import type { Finding } from "../core/finding.ts";

/**
 * Where sandboxes mounted the worktree before it was mounted at its own path: output recorded by
 * older runs (and bytecode or caches they left) still names it.
 */
export const legacyInsideRoot = "/workspace";

/**
 * The root spellings to strip for `worktrees` (the worktree's path and its real path): those,
 * plus the legacy /workspace unless the worktree itself lies there (then it is a real directory).
 */
export function prefixRoots(worktrees: readonly string[]): string[] {
  const roots = worktrees.filter((root) => path.isAbsolute(root) && root !== "/");
  const insideLegacy = roots.some(
    (root) => root === legacyInsideRoot || root.startsWith(`${legacyInsideRoot}/`),
  );
  // Longest first: a root that is a prefix of another must not cut it short.
  return [...new Set(insideLegacy ? roots : [...roots, legacyInsideRoot])].sort(
    (a, b) => b.length - a.length,
  );
}

/** `file` as a worktree-relative path; left as printed when it is absolute and outside the worktree. */
export function worktreeRelative(file: string, worktree: string, cwd: string): string {
  const plain = file.replace(/^file:\/\//, "");
  if (path.isAbsolute(plain)) {
    const relative = path.relative(worktree, plain);
    const outside = relative.startsWith("..") || path.isAbsolute(relative);
    return outside ? plain : relative;
  }
  return path.normalize(path.join(cwd, plain));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `text` with each root's absolute prefix taken out: `<root>/src/a.ts:3` (or `file://<root>/…`)
 * reads `src/a.ts:3`, and the root alone reads `.`. A longer name that merely starts with a root
 * (`<root>-other/x`, `<root>.setup`) is left as it is.
 */
export function stripWorktreePrefixes(text: string, worktrees: readonly string[]): string {
  let result = text;
  for (const root of prefixRoots(worktrees)) {
    if (!result.includes(root)) continue;
    const pattern = new RegExp(`(?:file://)?${escapeRegExp(root)}(?:/+|(?![\\w.@+-]))`, "g");
    result = result.replace(pattern, (match) => (match.endsWith("/") ? "" : "."));
  }
  return result;
}

/**
 * The findings with worktree-relative files, and the worktree's prefix taken out of their
 * messages, contexts and test names. `worktrees` lists the root's spellings (symlinks); a file
 * under the legacy /workspace root is taken as the worktree's too.
 */
export function relativizeFindings(findings: Finding[], worktrees: string[], cwd: string): Finding[] {
  const roots = prefixRoots(worktrees);
  return findings.map((finding) => {
    const relative: Finding = { ...finding, message: stripWorktreePrefixes(finding.message, roots) };
    if (finding.context !== undefined) relative.context = stripWorktreePrefixes(finding.context, roots);
    if (finding.test !== undefined) relative.test = stripWorktreePrefixes(finding.test, roots);
    if (finding.file !== undefined) {
      const candidates = roots.map((root) => worktreeRelative(finding.file!, root, cwd));
      relative.file = candidates.find((candidate) => !path.isAbsolute(candidate)) ?? candidates[0]!;
    }
    return relative;
  });
}

/** The spellings of `worktree` a command inside may print: as given, and its real (symlink-free) path. */
export async function worktreeSpellings(worktree: string): Promise<string[]> {
  const real = await realpath(worktree).catch(() => worktree);
  return real === worktree ? [worktree] : [worktree, real];
}
