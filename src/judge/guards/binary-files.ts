// Guard `binary-files`: content git would show as binary must not land in a file people read as
// text (source, configuration, tests), where it would hide what a reviewer should see.
import { describeBinaryChange } from "../diff/binary-change.ts";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import { firstMatchingGlob, type Guard, type GuardFinding, type GuardPolicy } from "./guard.ts";
import { isTextTypedPath } from "./heuristics/file-kinds.ts";

const guard = "binary-files";
const executableMode = "100755";

/**
 * Text by its name, or a script by what it is: an executable file or one that starts with `#!`
 * runs as text (`sh bin/release` reads past a NUL byte the judge's view would stop at).
 */
function isTextTyped(file: DiffFile): boolean {
  if (isTextTypedPath(file.path) || file.newMode === executableMode) return true;
  return file.addedLines.some(({ line, text }) => line === 1 && text.startsWith("#!"));
}

function checkBinary(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const file of diff.files) {
    const change = file.binaryChange;
    if (change === undefined || file.status === "deleted" || !isTextTyped(file)) continue;
    if (firstMatchingGlob(file.path, policy.allowBinary) !== undefined) continue;
    findings.push({
      guard,
      file: file.path,
      message: `${file.path} is a text file by its name, mode or #! line but its new content is ${describeBinaryChange(change)}; write it as plain text (no NUL bytes, no -diff/binary attribute), or allow it with guards.allowBinary`,
    });
  }
  return findings;
}

/**
 * Refuses binary content (NUL bytes, or marked binary by .gitattributes) in text-typed files:
 * text by name, executable, or starting with `#!`.
 */
export const binaryFilesGuard: Guard = { name: guard, check: checkBinary };
