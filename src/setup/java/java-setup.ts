// JVM setup: Maven's dependency:go-offline (through ./mvnw when the repository has it), or the
// Gradle wrapper resolving the build's dependencies.
import { firstRegularFile } from "../repo-files.ts";
import { type SetupDetection, type SetupDetector, setupCommand } from "../setup-detector.ts";

const mavenCentral = ["repo.maven.apache.org", "repo1.maven.org"];
const gradleHosts = [
  "services.gradle.org",
  "downloads.gradle.org",
  "plugins.gradle.org",
  "plugins-artifacts.gradle.org",
  ...mavenCentral,
];

async function maven(worktree: string): Promise<SetupDetection> {
  const wrapper = await firstRegularFile(worktree, ["mvnw"]);
  const program = wrapper ? "./mvnw" : "mvn";
  return {
    ecosystem: "java",
    commands: [setupCommand([program, "--batch-mode", "dependency:go-offline"])],
    allowHosts: mavenCentral,
    producedDirectories: [],
    notes: [`pom.xml: ${program} dependency:go-offline${wrapper ? " (the repository's Maven wrapper)" : ""}`],
  };
}

export const javaSetup: SetupDetector = {
  name: "java",
  async detect(worktree) {
    if (await firstRegularFile(worktree, ["pom.xml"])) return maven(worktree);
    const build = await firstRegularFile(worktree, ["build.gradle", "build.gradle.kts"]);
    if (!build) return undefined;
    if (!(await firstRegularFile(worktree, ["gradlew"]))) {
      const note = `${build} without a Gradle wrapper (gradlew): nothing installed; add the wrapper or declare setup.commands`;
      return { ecosystem: "java", commands: [], allowHosts: [], producedDirectories: [], notes: [note] };
    }
    return {
      ecosystem: "java",
      commands: [setupCommand(["./gradlew", "--no-daemon", "--quiet", "dependencies"])],
      allowHosts: gradleHosts,
      producedDirectories: [],
      notes: [`${build} and gradlew: the wrapper downloads Gradle and resolves the dependencies`],
    };
  },
};
