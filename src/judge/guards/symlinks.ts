// Guard `symlinks`: a change must not add a symbolic link that leaves the repository or points
// into its git directory; CI, tools and later runs would follow it to files nobody reviewed.
import { posix } from "node:path";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding } from "./guard.ts";

const guard = "symlinks";
const symlinkMode = "120000";

/** Why `target`, the link at `path` points to, is refused; undefined when it stays inside. */
function escapeOf(path: string, target: string): string | undefined {
  if (target === "" || target.includes("\0")) return "an empty or malformed target";
  if (posix.isAbsolute(target)) return "an absolute path";
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === ".." || resolved.startsWith("../")) return "a path outside the repository";
  if (resolved === ".git" || resolved.startsWith(".git/")) return "the git directory";
  return undefined;
}

function checkFile(file: DiffFile): GuardFinding | undefined {
  if (file.newMode !== symlinkMode || file.status === "deleted") return undefined;
  // A link's blob is its target; a target ending in a newline is a different (odd) name.
  const target = file.addedLines.map(({ text }) => text).join("\n");
  const reason = escapeOf(file.path, target);
  if (reason === undefined) return undefined;
  return {
    guard,
    file: file.path,
    message: `${file.path} is a symbolic link to ${JSON.stringify(target)}, ${reason}; replace it with a regular file or a link inside the repository`,
  };
}

function checkSymlinks(diff: ParsedDiff): GuardFinding[] {
  return diff.files.flatMap((file) => checkFile(file) ?? []);
}

/** Refuses symbolic links whose target is absolute, outside the repository or inside `.git`. */
export const symlinksGuard: Guard = { name: guard, check: checkSymlinks };
