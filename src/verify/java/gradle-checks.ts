// The checks of a Gradle project: testClasses (compiles main and test code; fast and full) and
// test (full), run with the repository's ./gradlew, or gradle from PATH when there is no wrapper.
// --no-daemon: no build daemon outlives the check in the sandbox; --continue: a failing
// subproject does not hide another's failures. Not -q: it would hide the failing tests' names.
import { existsSync } from "node:fs";
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import type { DetectDefaults, EcosystemDetection } from "../ecosystem.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";
import { wrapperLaunch } from "./build-wrapper.ts";

const buildFiles = ["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"] as const;

export function detectGradleChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): EcosystemDetection | undefined {
  const wrapper = wrapperLaunch(worktree, "gradlew");
  const buildFile = buildFiles.find((file) => existsSync(path.join(worktree, file)));
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
