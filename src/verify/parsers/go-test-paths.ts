// Names the file of a failing Go test when go test printed only a bare `x_test.go:12` (Go before
// 1.21's -fullpath): the test's import path, less go.mod's module path, is the package's folder.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import path from "node:path";
import type { Finding } from "../../core/finding.ts";

const bareLog = /^([\w.+-]+\.go):(\d+): ?([\s\S]*)$/;
const moduleLine = /^module\s+"?([^\s"]+)"?\s*$/m;
const maxGoModBytes = 64 * 1024;
const maxLevels = 32;
/** `<import path>.TestName[/subtest]`: a test function's name is an identifier, with no dot. */
const testPackage = /^(.+?)\.(?:Test|Example|Fuzz|Benchmark)\w*(?:\/.*)?$/;

/** go.mod's module path, read without following a link; undefined when absent, odd or too big. */
function readModulePath(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > maxGoModBytes) return undefined;
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    return moduleLine.exec(buffer.subarray(0, read).toString("utf8"))?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True when `file` is a regular file (no link) whose real folder lies inside `root`. */
function regularFileInside(file: string, root: string): boolean {
  try {
    if (!lstatSync(file).isFile()) return false;
    const real = realpathSync(path.dirname(file));
    const relative = path.relative(realpathSync(root), real);
    return !relative.startsWith("..") && !path.isAbsolute(relative);
  } catch {
    return false;
  }
}

/** The nearest go.mod at or above `cwd` (worktree-relative) within the worktree. */
function findModule(worktree: string, cwd: string): { dir: string; module: string } | undefined {
  let dir = path.normalize(cwd);
  if (dir.startsWith("..") || path.isAbsolute(dir)) return undefined;
  for (let level = 0; level < maxLevels; level++) {
    const module = readModulePath(path.join(worktree, dir, "go.mod"));
    if (module !== undefined && regularFileInside(path.join(worktree, dir, "go.mod"), worktree)) {
      return { dir, module };
    }
    if (dir === "." || dir === "") return undefined;
    dir = path.dirname(dir);
  }
  return undefined;
}

/**
 * `findings` with a file (relative to `cwd`, like a parser's) and line for each Go test finding whose message starts
 * with a bare file name, when the test's import path lies in the module of `cwd` and the file is
 * there; any other finding is returned as it is.
 */
export function locateGoTestFiles(findings: Finding[], worktree: string, cwd: string): Finding[] {
  const bare = new Set(
    findings.filter(
      (finding) => finding.kind === "test" && finding.file === undefined && bareLog.test(finding.message),
    ),
  );
  if (bare.size === 0 || !path.isAbsolute(worktree)) return findings;
  const found = findModule(worktree, cwd);
  if (!found) return findings;
  // Each file is looked up once, however many findings name it (hostile output can name one
  // file a hundred thousand times).
  const isFile = new Map<string, boolean>();
  const fileInside = (file: string): boolean => {
    let known = isFile.get(file);
    if (known === undefined) {
      known = regularFileInside(path.join(worktree, file), worktree);
      isFile.set(file, known);
    }
    return known;
  };
  return findings.map((finding) => {
    if (!bare.has(finding) || finding.test === undefined) return finding;
    const log = bareLog.exec(finding.message)!;
    const pkg = testPackage.exec(finding.test)?.[1] ?? "";
    let folder: string;
    if (pkg === found.module) folder = "";
    else if (pkg.startsWith(`${found.module}/`)) folder = pkg.slice(found.module.length + 1);
    else return finding;
    const file = path.normalize(path.join(found.dir, folder, log[1]!));
    if (file.startsWith("..") || !fileInside(file)) return finding;
    // Relative to the check's folder, as the parsers write files (relativizeFindings adds `cwd`).
    return {
      ...finding,
      file: path.relative(path.normalize(cwd), file),
      line: Number(log[2]),
      message: log[3]!,
    };
  });
}
