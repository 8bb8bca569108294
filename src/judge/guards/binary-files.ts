// Guard `binary-files`: content git would show as binary must not land in a file people read as
// text (source, configuration, tests), where it would hide what a reviewer should see.
import { describeBinaryChange } from "../diff/binary-change.ts";
import type { ParsedDiff } from "../diff/parse-diff.ts";
import { firstMatchingGlob, type Guard, type GuardFinding, type GuardPolicy } from "./guard.ts";
import { isTextTypedPath } from "./heuristics/file-kinds.ts";

const guard = "binary-files";

function checkBinary(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const file of diff.files) {
    const change = file.binaryChange;
    if (change === undefined || file.status === "deleted" || !isTextTypedPath(file.path)) continue;
    if (firstMatchingGlob(file.path, policy.allowBinary) !== undefined) continue;
    findings.push({
      guard,
      file: file.path,
      message: `${file.path} is a text file by its name but its new content is ${describeBinaryChange(change)}; write it as plain text (no NUL bytes, no -diff/binary attribute), or allow it with guards.allowBinary`,
    });
  }
  return findings;
}

/** Refuses binary content (NUL bytes, or marked binary by .gitattributes) in text-typed files. */
export const binaryFilesGuard: Guard = { name: guard, check: checkBinary };
