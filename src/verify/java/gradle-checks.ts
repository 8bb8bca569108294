// The checks of a Gradle project: testClasses (compiles main and test code; fast and full) and
// test (full), run with the repository's ./gradlew, or gradle from PATH when there is no wrapper.
// --no-daemon: no build daemon outlives the check in the sandbox; --continue: a failing
// subproject does not hide another's failures. Not -q: it would hide the failing tests' names.
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import { entryKindInside } from "../../workspace/safe-fs.ts";
import type { DetectDefaults, EcosystemDetection } from "../ecosystem.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";
import { wrapperLaunch } from "./build-wrapper.ts";

const buildFiles = ["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"] as const;

/** The first Gradle build script at the root, and the first name taken by something else. */
async function findBuildFile(worktree: string): Promise<{ file?: string; refused?: string }> {
  for (const file of buildFiles) {
    const kind = await entryKindInside(worktree, file);
    if (kind === "file") return { file };
    if (kind !== "missing") return { refused: `${file} is a ${kind}, not a regular file` };
  }
  return {};
}

export async function detectGradleChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): Promise<EcosystemDetection | undefined> {
  const wrapper = await wrapperLaunch(worktree, "gradlew");
  const { file: buildFile, refused } = await findBuildFile(worktree);
  // A FIFO would hold every Gradle command until its time limit: no checks, and say why.
  if (refused) return { commands: [], notes: [`java: ${refused}, so no Gradle checks`] };
  if (!wrapper && !buildFile) return undefined;
  const launch = wrapper ?? { command: "gradle", prefix: [] };
  const notes = [
    wrapper
      ? "java: gradlew found; Gradle runs through ./gradlew"
      : `java: ${buildFile} found but no gradlew, so gradle from PATH`,
  ];
  if (!wrapper && !findOnPath("gradle", searchPath)) {
    notes.push(
      "java: gradle is not on PATH, so the Gradle checks fail until it is installed (or add a wrapper)",
    );
  }
  const check = (name: string, task: string, speeds: VerifySpeed[]): VerifierCommand => ({
    name,
    command: launch.command,
    args: [...launch.prefix, "--no-daemon", "--continue", task],
    cwd: ".",
    parser: "gradle",
    speeds,
    timeoutMs: defaults.timeoutMs,
  });
  return {
    commands: [
      check("gradle-compile", "testClasses", ["fast", "full"]),
      check("gradle-test", "test", ["full"]),
    ],
    notes,
  };
}
