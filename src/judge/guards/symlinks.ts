// Guard `symlinks`: a change must not add or retarget a symbolic link unless the policy names it.
// A link makes one path stand in for another (a protected directory for an unprotected one, a file
// for a host file), and where it leads depends on other links in the tree, so whether a target
// "stays inside" cannot be read from the target's text: every new link is refused by default.
import { posix } from "node:path";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import { firstMatchingGlob, type Guard, type GuardFinding, type GuardPolicy } from "./guard.ts";

const guard = "symlinks";
const symlinkMode = "120000";

/** Why a target is refused even where the policy allows links; undefined when none applies. */
function lexicalEscapeOf(path: string, target: string): string | undefined {
  if (target === "" || target.includes("\0")) return "an empty or malformed target";
  if (posix.isAbsolute(target)) return "an absolute path";
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === ".." || resolved.startsWith("../")) return "a path outside the repository";
  if (resolved === ".git" || resolved.startsWith(".git/") || target.split("/").includes(".git")) {
    return "the git directory";
  }
  return undefined;
}

/** A link's blob is its target; a target ending in a newline is a different (odd) name. */
function targetOf(file: DiffFile): string {
  return file.addedLines.map(({ text }) => text).join("\n");
}

/** The link's target when this change adds, moves or retargets a symbolic link; else undefined. */
function changedLink(file: DiffFile): string | undefined {
  if (file.newMode !== symlinkMode || file.status === "deleted") return undefined;
  // A rename with no content change keeps the target, but the link now stands at a new path.
  if (file.status === "modified" && file.oldMode === symlinkMode && file.addedLines.length === 0) {
    return undefined;
  }
  return targetOf(file);
}

function checkFile(file: DiffFile, policy: GuardPolicy): GuardFinding | undefined {
  const target = changedLink(file);
  if (target === undefined) return undefined;
  const shown = `${file.path} is a symbolic link to ${JSON.stringify(target)}`;
  if (firstMatchingGlob(file.path, policy.allowSymlinks) === undefined) {
    return {
      guard,
      file: file.path,
      message: `${shown}; a link can make a protected path or a file outside the repository stand in for a reviewed one, so links are refused unless guards.allowSymlinks names them: commit a regular file instead`,
    };
  }
  const reason = lexicalEscapeOf(file.path, target);
  if (reason === undefined) return undefined;
  return {
    guard,
    file: file.path,
    message: `${shown}, ${reason}; replace it with a regular file or a link to a file inside the repository`,
  };
}

function checkSymlinks(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  return diff.files.flatMap((file) => checkFile(file, policy) ?? []);
}

/**
 * Refuses every added, moved or retargeted symbolic link unless `allowSymlinks` names its path;
 * an allowed link is still refused when its target is absolute, leaves the repository or names
 * `.git`.
 */
export const symlinksGuard: Guard = { name: guard, check: checkSymlinks };
