// Makes every finding's file relative to the worktree root, whatever the tool printed: absolute
// paths, file:// URLs, or paths relative to the directory the check ran in.
import path from "node:path";
import type { Finding } from "../core/finding.ts";

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

/** The findings with worktree-relative files. `worktrees` lists the root's spellings (symlinks). */
export function relativizeFindings(findings: Finding[], worktrees: string[], cwd: string): Finding[] {
  return findings.map((finding) => {
    if (finding.file === undefined) return finding;
    const candidates = worktrees.map((root) => worktreeRelative(finding.file!, root, cwd));
    const file = candidates.find((candidate) => !path.isAbsolute(candidate)) ?? candidates[0]!;
    return { ...finding, file };
  });
}
