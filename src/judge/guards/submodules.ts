// Guard `submodules`: a change must not add or move a submodule's commit (a gitlink) without
// permission. The commit it pins is code nobody reviewed, usually not even in the mirror, and a
// nested repository in the worktree is recorded as one.
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import { firstMatchingGlob, type Guard, type GuardFinding, type GuardPolicy } from "./guard.ts";

const guard = "submodules";
const gitlinkMode = "160000";

/** The commit a gitlink side names (`Subproject commit <id>` in the patch), or "none". */
function commitOf(lines: DiffFile["addedLines"]): string {
  for (const { text } of lines) {
    const id = /^Subproject commit ([0-9a-f]{7,64})/.exec(text)?.[1];
    if (id !== undefined) return id;
  }
  return "none";
}

/** "submodule commit a → b" for a file that is or was a gitlink; undefined for any other file. */
export function submoduleChange(file: DiffFile): string | undefined {
  const before = file.status !== "added" && file.oldMode === gitlinkMode;
  const after = file.status !== "deleted" && file.newMode === gitlinkMode;
  if (!before && !after) return undefined;
  const from = before ? commitOf(file.removedLines) : "none";
  const to = after ? commitOf(file.addedLines) : "none";
  return `submodule commit ${from} → ${to}`;
}

function checkFile(file: DiffFile, policy: GuardPolicy): GuardFinding | undefined {
  if (file.status === "deleted" || file.newMode !== gitlinkMode) return undefined;
  // A rename keeps the commit: still a new path that fetches code.
  if (file.status === "modified" && file.oldMode === gitlinkMode && file.addedLines.length === 0)
    return undefined;
  if (firstMatchingGlob(file.path, policy.allowProtected) !== undefined) return undefined;
  return {
    guard,
    file: file.path,
    message: `${file.path} is a ${submoduleChange(file)} (${file.status}); a submodule's commit is code nobody reviewed, so it changes only with permission (guards.allowProtected or --allow-protected naming it): remove the nested repository or restore the base's commit`,
  };
}

function checkSubmodules(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  return diff.files.flatMap((file) => checkFile(file, policy) ?? []);
}

/** Refuses an added, moved or re-pointed gitlink (mode 160000) unless allowProtected names it. */
export const submodulesGuard: Guard = { name: guard, check: checkSubmodules };
