// Detects a JVM project's checks: Maven (pom.xml) and Gradle (gradlew or a build script). A
// repository with both gets both, since each build may cover code the other does not.
import type { DetectDefaults, EcosystemDetection, EcosystemDetector } from "../ecosystem.ts";
import { detectGradleChecks } from "./gradle-checks.ts";
import { detectMavenChecks } from "./maven-checks.ts";

/** The checks of the JVM project at `worktree`, or undefined when it has neither build. */
export async function detectJavaChecks(
  worktree: string,
  defaults: DetectDefaults,
  searchPath: string,
): Promise<EcosystemDetection | undefined> {
  const found = [
    await detectMavenChecks(worktree, defaults, searchPath),
    await detectGradleChecks(worktree, defaults, searchPath),
  ];
  const detections = found.filter((detection) => detection !== undefined);
  if (detections.length === 0) return undefined;
  return {
    commands: detections.flatMap((detection) => detection.commands),
    notes: detections.flatMap((detection) => detection.notes),
  };
}

export const javaDetector: EcosystemDetector = {
  name: "java",
  // The sandbox passes the platform's PATH through, so the host's PATH is where tools are found.
  detect: (worktree, defaults) => detectJavaChecks(worktree, defaults, process.env.PATH ?? ""),
};
