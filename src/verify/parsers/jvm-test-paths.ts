// Names the file and line of a failing JVM test (Maven Surefire, Gradle). Their output gives the
// test's class (`pkg.Class.method`, `pkg.Class > method`) and a frame with a bare file name,
// `at Class.method(Class.java:12)`: the file is the package's folder under a source root
// (src/test/java, …) of the project or of one of its modules, when exactly one such file exists.
import { type Dir, type Dirent, lstatSync, opendirSync, realpathSync } from "node:fs";
import path from "node:path";
import type { Finding } from "../../core/finding.ts";

/** The last context line the JVM parsers write: the test's own frame (or the first one). */
const frameLine = /^at ([\w$]+)\.[\w$<>]+\(([\w$-]+\.(?:java|kt|groovy|scala)):(\d+)\)$/;
const shortLocation = / at ([\w$-]+\.(?:java|kt|groovy|scala)):(\d+)$/;
const javaName = /^[\w$]+$/;
const sourceRoots = [
  "src/test/java",
  "src/test/kotlin",
  "src/test/groovy",
  "src/test/scala",
  "src/main/java",
  "src/main/kotlin",
  "src/it/java",
  "src/integrationTest/java",
  "src/testFixtures/java",
  "src/test",
  "src",
  "test",
  "tests",
];
/** Folders that hold build output or tooling, never a module's sources. */
const notModules = new Set(["target", "build", "out", "bin", "node_modules", "dist"]);
const maxModules = 64;
const maxEntries = 500;
/**
 * Distinct test files looked for on disk per check: each look is up to maxModules × sourceRoots
 * lstat calls on the host, and a hostile test run can print a hundred thousand failures (4 MiB).
 */
const maxLookups = 50;

/** True when `file` is a regular file (no link) whose real folder lies inside `root`. */
function regularFileInside(file: string, root: string): boolean {
  try {
    // No exception for a missing path: most candidates are missing, and throwing costs far more.
    if (!lstatSync(file, { throwIfNoEntry: false })?.isFile()) return false;
    const relative = path.relative(realpathSync(root), realpathSync(path.dirname(file)));
    return !relative.startsWith("..") && !path.isAbsolute(relative);
  } catch {
    return false;
  }
}

/** Sub-folders of `dir` that may be modules: real folders (no links), not hidden, not build output. */
function childFolders(worktree: string, dir: string): string[] {
  const entries: Dirent[] = [];
  let handle: Dir | undefined;
  try {
    // Read at most maxEntries names: a hostile checkout may hold a million files in one folder.
    handle = opendirSync(path.join(worktree, dir));
    for (let entry = handle.readSync(); entry && entries.length < maxEntries; entry = handle.readSync())
      entries.push(entry);
  } catch {
    return [];
  } finally {
    handle?.closeSync();
  }
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && !notModules.has(entry.name))
    .map((entry) => path.join(dir, entry.name));
}

/** `cwd` first, then its sub-folders and theirs (Maven modules, Gradle subprojects), bounded. */
function moduleFolders(worktree: string, cwd: string): string[] {
  const children = childFolders(worktree, cwd);
  const modules = [cwd, ...children];
  // Stop listing once there are enough: 500 folders of 500 names each is a quarter million reads.
  for (const child of children) {
    if (modules.length >= maxModules) break;
    modules.push(...childFolders(worktree, child));
  }
  return modules.slice(0, maxModules);
}

/** The one file, relative to the worktree, that `relative` names under a source root; else undefined. */
function findSource(
  worktree: string,
  start: string,
  modules: string[],
  relative: string,
): string | undefined {
  const matches = new Set<string>();
  for (const module of modules) {
    for (const root of sourceRoots) {
      const file = path.join(module, root, relative);
      if (regularFileInside(path.join(worktree, file), worktree)) matches.add(file);
    }
    // The project's own folder wins over a module that happens to hold the same path.
    if (module === start && matches.size > 0) break;
  }
  return matches.size === 1 ? [...matches][0] : undefined;
}

/** Where the finding says the test failed: the frame's class, its bare file name and line. */
function failedAt(finding: Finding): { frameClass: string; fileName: string; line: number } | undefined {
  const frame = frameLine.exec(finding.context?.split("\n").at(-1)?.trim() ?? "");
  if (frame) return { frameClass: frame[1]!, fileName: frame[2]!, line: Number(frame[3]) };
  // Gradle's short format has no frame, only `java.lang.AssertionError at CalculatorTest.java:15`.
  const short = shortLocation.exec(finding.message);
  if (!short) return undefined;
  return { frameClass: short[1]!.replace(/\.\w+$/, ""), fileName: short[1]!, line: Number(short[2]) };
}

/** The test's source file below a source root (package folder and file name), and the line. */
function testSource(finding: Finding): { relative: string; line: number } | undefined {
  if (finding.kind !== "test" || finding.file !== undefined || !finding.test) return undefined;
  const where = failedAt(finding);
  if (!where) return undefined;
  // Gradle: `pkg.Class > method`; Surefire: `pkg.Class.method`, parameters after `(` or `[`.
  const name = finding.test.includes(" > ")
    ? finding.test.slice(0, finding.test.indexOf(" > "))
    : finding.test.replace(/[([].*$/, "").replace(/\.[^.]*$/, "");
  const parts = name.split(".");
  const simple = parts.pop() ?? "";
  const { frameClass } = where;
  // A library's frame (an assertion helper) says nothing about where the test is.
  if (simple !== frameClass && !frameClass.startsWith(`${simple}$`) && !simple.startsWith(`${frameClass}$`))
    return undefined;
  if (!parts.every((part) => javaName.test(part))) return undefined;
  return { relative: path.join(...parts, where.fileName), line: where.line };
}

/**
 * `findings` with a file (relative to `cwd`, as parsers write them) and line for each failing JVM
 * test whose source file is found under one source root of `cwd` (worktree-relative) or of a
 * module below it; any other finding is returned as it is.
 */
export function locateJvmTestFiles(findings: Finding[], worktree: string, cwd: string): Finding[] {
  const start = path.normalize(cwd);
  if (!path.isAbsolute(worktree) || start.startsWith("..") || path.isAbsolute(start)) return findings;
  let modules: string[] | undefined;
  // Every look counts, found or not: many failures naming missing files must not cost more.
  const looked = new Map<string, string | undefined>();
  return findings.map((finding) => {
    const source = testSource(finding);
    if (!source) return finding;
    if (!looked.has(source.relative)) {
      if (looked.size >= maxLookups) return finding;
      modules ??= moduleFolders(worktree, start);
      looked.set(source.relative, findSource(worktree, start, modules, source.relative));
    }
    const found = looked.get(source.relative);
    if (found === undefined) return finding;
    // Relative to the check's folder, as the parsers write files (relativizeFindings adds `cwd`).
    return { ...finding, file: path.relative(start, found), line: source.line };
  });
}
