// The agent's fast verify runs the tests nearest to what it changed, where the ecosystem allows it:
// pytest gets the test files of the changed modules (and changed test files), Go gets `go test` of
// the changed packages. Everything else runs as detected; the gate after finish runs the full set.
import { existsSync } from "node:fs";
import path from "node:path";
import { listDirectoryInside } from "../workspace/safe-fs.ts";
import type { VerifierCommand } from "./verifier.ts";

/** Directories never searched for tests. */
const skippedDirectories = new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  "target",
  "build",
  "dist",
]);
/** Bounds of the test-file search: a huge tree runs its whole suite rather than a slow search. */
const maxEntriesVisited = 20_000;
/** Beyond this many related test files the fast run is no longer "near": run the suite. */
const maxNearestFiles = 50;

function isPythonTest(file: string): boolean {
  const base = path.posix.basename(file);
  return /^test_.*\.py$/.test(base) || /_test\.py$/.test(base);
}

/** Every `.py` test file under `worktree`, relative, bounded by maxEntriesVisited. */
async function pythonTestFiles(worktree: string): Promise<string[]> {
  const found: string[] = [];
  const pending = [""];
  let visited = 0;
  for (let directory = pending.pop(); directory !== undefined; directory = pending.pop()) {
    // Listed through safe-fs: a directory swapped for a link between two listings is never entered;
    // one that vanished or became a link (the refusal) simply holds no tests.
    const listing = await listDirectoryInside(worktree, directory || ".", {
      maxEntries: maxEntriesVisited - visited + 1,
    }).catch(() => ({ entries: [] }));
    for (const entry of listing.entries) {
      if (++visited > maxEntriesVisited) return found;
      const relative = directory ? `${directory}/${entry.name}` : entry.name;
      if (entry.kind === "directory" && !skippedDirectories.has(entry.name)) pending.push(relative);
      else if (entry.kind === "file" && isPythonTest(relative)) found.push(relative);
    }
  }
  return found;
}

/** The test files nearest to `changed`: changed test files, and `test_<module>.py` / `<module>_test.py` of changed modules. */
export async function nearestPythonTests(worktree: string, changed: readonly string[]): Promise<string[]> {
  const changedPython = changed.filter(
    (file) => file.endsWith(".py") && existsSync(path.join(worktree, file)),
  );
  if (changedPython.length === 0) return [];
  const modules = new Set(
    changedPython.filter((file) => !isPythonTest(file)).map((file) => path.posix.basename(file, ".py")),
  );
  const related = modules.size > 0 ? await pythonTestFiles(worktree) : [];
  const nearest = new Set(changedPython.filter(isPythonTest));
  for (const test of related) {
    const base = path.posix.basename(test, ".py");
    const module = base.startsWith("test_") ? base.slice(5) : base.replace(/_test$/, "");
    if (modules.has(module)) nearest.add(test);
  }
  return [...nearest].sort();
}

/** The Go packages (as `./dir`) holding changed `.go` files that still exist. */
export function changedGoPackages(worktree: string, changed: readonly string[]): string[] {
  const directories = changed
    .filter((file) => file.endsWith(".go") && existsSync(path.join(worktree, file)))
    .map((file) => path.posix.dirname(file));
  return [...new Set(directories)].sort().map((directory) => (directory === "." ? "." : `./${directory}`));
}

function onlyFull(command: VerifierCommand): VerifierCommand {
  return { ...command, speeds: command.speeds.filter((speed) => speed === "full") };
}

/**
 * The commands with their fast runs narrowed to the tests nearest to `changed` (paths relative to
 * the worktree). A command that cannot be narrowed, or has nothing near the change, is kept as is.
 */
export async function narrowFastChecks(
  commands: readonly VerifierCommand[],
  worktree: string,
  changed: readonly string[],
): Promise<VerifierCommand[]> {
  const narrowed: VerifierCommand[] = [];
  for (const command of commands) {
    if (command.parser === "pytest" && command.cwd === "." && command.speeds.includes("fast")) {
      const tests = await nearestPythonTests(worktree, changed);
      if (tests.length > 0 && tests.length <= maxNearestFiles) {
        narrowed.push(onlyFull(command), {
          ...command,
          name: `${command.name} (nearest)`,
          args: [...command.args, ...tests],
          speeds: ["fast"],
        });
        continue;
      }
    }
    if (
      command.command === "go" &&
      command.args[0] === "test" &&
      command.args.at(-1) === "./..." &&
      command.cwd === "."
    ) {
      const packages = changedGoPackages(worktree, changed);
      if (packages.length > 0 && packages.length <= maxNearestFiles) {
        const args = [...command.args.slice(0, -1), ...packages];
        narrowed.push(onlyFull(command), {
          ...command,
          name: `${command.name} (nearest)`,
          args,
          speeds: ["fast"],
        });
        continue;
      }
    }
    narrowed.push(command);
  }
  return narrowed;
}
