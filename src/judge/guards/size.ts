// Guard `size`: the change stays within the policy's file count and changed-line count.
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { isLockfile } from "./heuristics/file-kinds.ts";

function changedLineCount(file: DiffFile): number {
  return file.addedLines.length + file.removedLines.length;
}

/** The largest files by changed lines, for a message that says where to cut. */
function largest(files: DiffFile[], count: number): string {
  return [...files]
    .sort((a, b) => changedLineCount(b) - changedLineCount(a))
    .slice(0, count)
    .map((file) => `${file.path} (${changedLineCount(file)})`)
    .join(", ");
}

function checkSize(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  // Too large to read at all (collectDiff counted first): the files have no lines to count.
  if (diff.unread !== undefined) return [{ guard: "size", file: "", message: diff.unread }];
  const findings: GuardFinding[] = [];
  const fileCount = diff.files.length;
  if (fileCount > policy.maxFilesChanged) {
    findings.push({
      guard: "size",
      file: "",
      message: `the change touches ${fileCount} files, more than the limit of ${policy.maxFilesChanged}; undo changes outside the task or split it`,
    });
  }
  // Lockfiles are generated; the protected-files guard decides whether they may change at all.
  const counted = diff.files.filter((file) => !isLockfile(file.path));
  const lineCount = counted.reduce((sum, file) => sum + changedLineCount(file), 0);
  if (lineCount > policy.maxLinesChanged) {
    findings.push({
      guard: "size",
      file: "",
      message: `the change adds and removes ${lineCount} lines, more than the limit of ${policy.maxLinesChanged} (largest: ${largest(counted, 3)}); make a smaller change`,
    });
  }
  return findings;
}

/** Refuses a diff with more files or more changed lines than the policy allows, or one not read. */
export const sizeGuard: Guard = { name: "size", check: checkSize };
