// The fallback detector: when no other ecosystem found a check, a Makefile's `check` and `test`
// targets become checks (`make check`, `make test`). Targets are read from the file; make never runs.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import type { VerifierCommand } from "../verifier.ts";
import { makefileNames, readMakefileTargets } from "./makefile-targets.ts";

/** The targets that become checks, in the order they run. */
export const makeCheckTargets = ["check", "test"] as const;
/** A Makefile larger than this is not read (generated, and not worth parsing as text). */
const maxMakefileBytes = 4 * 1024 * 1024;

async function readTargets(file: string): Promise<{ targets?: Set<string>; problem?: string }> {
  try {
    const text = await readFile(file, "utf8");
    if (text.length > maxMakefileBytes) return { problem: "it is larger than 4 MiB" };
    return { targets: readMakefileTargets(text) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
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
  const makefile = makefileNames.find((name) => existsSync(path.join(worktree, name)));
  if (!makefile) return undefined;
  const { targets, problem } = await readTargets(path.join(worktree, makefile));
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
    parser: "generic",
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
