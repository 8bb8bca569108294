// Guard `tests-disabled`: a change must not skip, focus or delete tests to get verification green.
import { introducedLines, newSideLines, oldSideLines } from "../diff/diff-lines.ts";
import type { DiffFile, ParsedDiff } from "../diff/parse-diff.ts";
import type { Guard, GuardFinding, GuardPolicy } from "./guard.ts";
import { isTestFilePath, languageOf, stillCollected } from "./heuristics/file-kinds.ts";
import { assertionCount, earlyReturns } from "./heuristics/test-assertions.ts";
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

/** A test body that now returns before it tests anything: a skip without a marker. */
function addedEarlyReturns(file: DiffFile): GuardFinding[] {
  if (!isTestFilePath(file.path)) return [];
  return earlyReturns(file.path, introducedLines(file), newSideLines(file)).map(({ line, text }) => ({
    guard,
    file: file.path,
    line,
    message: `\`${text.trim().slice(0, 60)}\` ends a test before it tests anything; remove it and make the test pass (or allow it with guards.allowTestChanges.skips)`,
  }));
}

/**
 * A test file that asserts less than before: an assertion removed, or replaced by one of a
 * constant (`assert.ok(true)`), keeps the test green without testing. Deleted files are reported
 * as deleted.
 */
function lostAssertions(file: DiffFile): GuardFinding | undefined {
  const language = languageOf(file.path);
  if (file.status === "deleted" || language === undefined || !isTestFilePath(file.path)) return undefined;
  const removed = assertionCount(language, file.removedLines);
  const added = assertionCount(language, file.addedLines);
  if (added >= removed) return undefined;
  return {
    guard,
    file: file.path,
    message: `${file.path} asserts less than before (${removed} assertions removed, ${added} added, assertions of a constant not counted); restore the assertions and make them pass (or allow it with guards.allowTestChanges.removals)`,
  };
}

function checkTests(diff: ParsedDiff, policy: GuardPolicy): GuardFinding[] {
  const findings: GuardFinding[] = [];
  if (!policy.allowTestChanges.skips) {
    // Binary-looking files too: collectDiff reads them as text, and a NUL byte hides nothing.
    for (const file of diff.files) findings.push(...addedSkipMarkers(file), ...addedEarlyReturns(file));
  }
  if (!policy.allowTestChanges.removals) {
    findings.push(...removedTests(diff));
    for (const file of diff.files) findings.push(...[lostAssertions(file) ?? []].flat());
  }
  return findings;
}

/**
 * Refuses added skip/only/ignore markers and early returns in test bodies, removed test cases,
 * deleted test files, and test files that assert less than before.
 */
export const testsDisabledGuard: Guard = { name: guard, check: checkTests };
