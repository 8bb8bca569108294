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
const maxLocated = 50;

/** True when `file` is a regular file (no link) whose real folder lies inside `root`. */
function regularFileInside(file: string, root: string): boolean {
  try {
    if (!lstatSync(file).isFile()) return false;
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
  const grandchildren = children.flatMap((child) => childFolders(worktree, child));
  return [cwd, ...children, ...grandchildren].slice(0, maxModules);
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
  let located = 0;
  return findings.map((finding) => {
    const source = located < maxLocated ? testSource(finding) : undefined;
    if (!source) return finding;
    modules ??= moduleFolders(worktree, start);
    const matches = new Set<string>();
    for (const module of modules) {
      for (const root of sourceRoots) {
        const file = path.join(module, root, source.relative);
        if (regularFileInside(path.join(worktree, file), worktree)) matches.add(file);
      }
      // The project's own folder wins over a module that happens to hold the same path.
      if (module === start && matches.size > 0) break;
    }
    if (matches.size !== 1) return finding;
    located++;
    // Relative to the check's folder, as the parsers write files (relativizeFindings adds `cwd`).
    return { ...finding, file: path.relative(start, [...matches][0]!), line: source.line };
  });
}
