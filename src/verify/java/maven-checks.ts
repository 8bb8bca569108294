// The checks of a Maven project (pom.xml): test-compile (fast and full) and test (full), run
// with the repository's ./mvnw when it has one, else mvn from PATH. -B: no colours or progress;
// -q: errors only; -fae: every module is built, so one failing module does not hide another's.
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import type { DetectDefaults, EcosystemDetection } from "../ecosystem.ts";
import { lookAtManifest } from "../manifest-kind.ts";
import type { VerifierCommand, VerifySpeed } from "../verifier.ts";
import { wrapperLaunch } from "./build-wrapper.ts";

export async function detectMavenChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): Promise<EcosystemDetection | undefined> {
  const manifest = await lookAtManifest(worktree, "pom.xml", "java", "Maven");
  if (manifest === "missing") return undefined;
  if (manifest !== "file") return manifest;
  const wrapper = await wrapperLaunch(worktree, "mvnw");
  const launch = wrapper ?? { command: "mvn", prefix: [] };
  const notes = [
    wrapper ? "java: pom.xml found; Maven runs through ./mvnw" : "java: pom.xml found; Maven runs as mvn",
  ];
  if (!wrapper && !findOnPath("mvn", searchPath)) {
    notes.push(
      "java: mvn is not on PATH and there is no ./mvnw, so the Maven checks fail until it is installed",
    );
  }
  const check = (name: string, goal: string, speeds: VerifySpeed[]): VerifierCommand => ({
    name,
    command: launch.command,
    args: [...launch.prefix, "-B", "-q", "-fae", goal],
    cwd: ".",
    parser: "maven",
    speeds,
    timeoutMs: defaults.timeoutMs,
  });
  return {
    commands: [check("mvn-compile", "test-compile", ["fast", "full"]), check("mvn-test", "test", ["full"])],
    notes,
  };
}
