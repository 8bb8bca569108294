// Guard `tests-disabled`: a change must not skip, focus or delete tests to get verification green.
import { introducedLines, newSideLines, oldSideLines } from "../diff/diff-lines.ts";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { isTestFilePath, stillCollected } from "./heuristics/file-kinds.ts";
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

/** Each test declared in added lines anywhere in the diff: its key and the file it is in. */
function addedDeclarations(diff: ParsedDiff): { key: string; path: string }[] {
  return diff.files.flatMap((file) =>
    testDeclarations(file.path, file.addedLines, newSideLines(file)).map(({ key }) => ({
      key,
      path: file.path,
    })),
  );
}

/**
 * The file's removed test declarations, and those with no added declaration of the same test in a
 * place the runner still collects (a test moved to `foo.test.ts.bak` is not moved, it is disabled).
 */
function removedDeclarations(file: DiffFile, added: { key: string; path: string }[]) {
  const from = file.oldPath ?? file.path;
  const declared = testDeclarations(from, file.removedLines, oldSideLines(file));
  const unmatched = declared.filter(({ key }) => {
    const index = added.findIndex((other) => other.key === key && stillCollected(from, other.path));
    if (index >= 0) added.splice(index, 1);
    return index < 0;
  });
  return { declared, unmatched };
}

/** A test file renamed or moved to where its runner no longer collects it. */
function renamedAway(file: DiffFile): GuardFinding | undefined {
  if (file.status !== "renamed" || file.oldPath === undefined) return undefined;
  if (stillCollected(file.oldPath, file.path)) return undefined;
  return {
    guard,
    file: file.path,
    message: `the test file ${file.oldPath} was renamed to ${file.path}, where the test runner no longer finds it; keep it named and placed as a test, and keep its tests passing`,
  };
}

function deletedFile(file: DiffFile, declared: number, unmatched: number): GuardFinding | undefined {
  // A deleted test file is fine only when every test it declared was added where it still runs.
  const testFile = declared > 0 || isTestFilePath(file.path);
  if (!testFile || (declared > 0 && unmatched === 0)) return undefined;
  const count = declared > 0 ? ` (${declared} test${declared === 1 ? "" : "s"})` : "";
  return {
    guard,
    file: file.path,
    message: `the test file ${file.path}${count} was deleted; restore it and keep its tests passing`,
  };
}

function removedTests(diff: ParsedDiff): GuardFinding[] {
  const added = addedDeclarations(diff);
  const findings: GuardFinding[] = [];
  for (const file of diff.files) {
    const { declared, unmatched } = removedDeclarations(file, added);
    if (file.status === "deleted") {
      const finding = deletedFile(file, declared.length, unmatched.length);
      if (finding) findings.push(finding);
      continue;
    }
    const renamed = renamedAway(file);
    if (renamed) findings.push(renamed);
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
