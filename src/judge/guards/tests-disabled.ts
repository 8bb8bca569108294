// Guard `tests-disabled`: a change must not skip, focus or delete tests to get verification green.
import { introducedLines, newSideLines, oldSideLines } from "../diff/diff-lines.ts";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { isTestFilePath } from "./heuristics/file-kinds.ts";
import { skipMarkerIn, testDeclarations } from "./heuristics/test-markers.ts";

const guard = "tests-disabled";

function addedSkipMarkers(file: DiffFile): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const { line, text } of introducedLines(file)) {
    const marker = skipMarkerIn(file.path, text);
    if (marker === undefined) continue;
    findings.push({
      guard,
      file: file.path,
      line,
      message: `\`${marker}\` was added and keeps tests from running; remove it and make the tests pass`,
    });
  }
  return findings;
}

/** How many times each test (by key) is declared in added lines anywhere in the diff. */
function addedDeclarationCounts(diff: ParsedDiff): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of diff.files) {
    for (const { key } of testDeclarations(file.path, file.addedLines, newSideLines(file))) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The file's removed test declarations, and those with no added declaration of the same test. */
function removedDeclarations(file: DiffFile, added: Map<string, number>) {
  const declared = testDeclarations(file.oldPath ?? file.path, file.removedLines, oldSideLines(file));
  const unmatched = declared.filter(({ key }) => {
    const count = added.get(key) ?? 0;
    if (count > 0) added.set(key, count - 1);
    return count === 0;
  });
  return { declared, unmatched };
}

function removedTests(diff: ParsedDiff): GuardFinding[] {
  const added = addedDeclarationCounts(diff);
  const findings: GuardFinding[] = [];
  for (const file of diff.files) {
    const { declared, unmatched } = removedDeclarations(file, added);
    if (file.status === "deleted") {
      // A deleted test file is fine only when every test it declared was added elsewhere.
      const testFile = declared.length > 0 || isTestFilePath(file.path);
      if (testFile && (declared.length === 0 || unmatched.length > 0)) {
        const count =
          declared.length > 0 ? ` (${declared.length} test${declared.length === 1 ? "" : "s"})` : "";
        findings.push({
          guard,
          file: file.path,
          message: `the test file ${file.path}${count} was deleted; restore it and keep its tests passing`,
        });
      }
      continue;
    }
    for (const { line, name } of unmatched) {
      findings.push({
        guard,
        file: file.path,
        line,
        message: `the test "${name}" was removed (line ${line} of the old file); restore it and make it pass`,
      });
    }
  }
  return findings;
}

function checkTests(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  const findings: GuardFinding[] = [];
  if (!policy.allowTestChanges.skips) {
    // Binary-looking files too: collectDiff reads them as text, and a NUL byte hides nothing.
    for (const file of diff.files) findings.push(...addedSkipMarkers(file));
  }
  if (!policy.allowTestChanges.removals) findings.push(...removedTests(diff));
  return findings;
}

/** Refuses added skip/only/ignore markers, removed test cases and deleted test files. */
export const testsDisabledGuard: Guard = { name: guard, check: checkTests };
