// The fallback detector: when no other ecosystem found a check, a Makefile's `check` and `test`
// targets become checks (`make check`, `make test`), read by the parsers of the tools their output
// shows (`auto`). Targets are read from the file; make never runs.
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import { FileAccessError } from "../../workspace/file-access-error.ts";
import { entryKindInside, readRegularFileInside } from "../../workspace/safe-fs.ts";
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import type { VerifierCommand } from "../verifier.ts";
import { makefileNames, readMakefileTargets } from "./makefile-targets.ts";

/** The targets that become checks, in the order they run. */
export const makeCheckTargets = ["check", "test"] as const;
/** A Makefile larger than this is not read (generated, and not worth parsing as text). */
const maxMakefileBytes = 4 * 1024 * 1024;

async function readTargets(
  worktree: string,
  file: string,
): Promise<{ targets?: Set<string>; problem?: string }> {
  try {
    const bytes = await readRegularFileInside(worktree, file, { maxBytes: maxMakefileBytes });
    return { targets: readMakefileTargets(bytes.toString("utf8")) };
  } catch (error) {
    if (FileAccessError.isFileAccessError(error) && error.reason === "too-large")
      return { problem: "it is larger than 4 MiB" };
    return { problem: (error as Error).message };
  }
}

/** The first Makefile name present at the root, whatever it is (a FIFO is reported, not read). */
async function findMakefile(worktree: string): Promise<string | undefined> {
  for (const name of makefileNames) {
    if ((await entryKindInside(worktree, name)) !== "missing") return name;
  }
  return undefined;
}

/**
 * The make checks of `worktree`, or undefined when it has no Makefile. `searchPath` is the PATH
 * the checks will run with, used only to see whether make exists.
 */
export async function detectMakeChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): Promise<EcosystemDetection | undefined> {
  const makefile = await findMakefile(worktree);
  if (!makefile) return undefined;
  const { targets, problem } = await readTargets(worktree, makefile);
  if (!targets) return { commands: [], notes: [`make: ${makefile} cannot be read: ${problem}`] };
  const found = makeCheckTargets.filter((target) => targets.has(target));
  if (found.length === 0) {
    return { commands: [], notes: [`make: ${makefile} has no check or test target, so no make checks`] };
  }
  const notes = [
    `make: no other ecosystem found checks, so ${makefile}'s ${found.join(" and ")} targets run`,
  ];
  if (!findOnPath("make", searchPath))
    notes.push("make: make is not on PATH; the make checks fail until it is");
  const commands: VerifierCommand[] = found.map((target) => ({
    name: target,
    command: "make",
    args: [target],
    cwd: ".",
    // make runs other tools (a compiler, a test runner): their output says which.
    parser: "auto",
    speeds: ["fast", "full"],
    timeoutMs: defaults.timeoutMs,
  }));
  return { commands, notes };
}

export const makeDetector: EcosystemDetector = {
  name: "make",
  fallback: true,
  // The sandbox passes the platform's PATH through, so the host's PATH is where make is found.
  detect: (worktree, defaults) => detectMakeChecks(worktree, defaults, process.env.PATH ?? ""),
};
