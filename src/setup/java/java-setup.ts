// JVM setup: Maven's dependency:go-offline (through ./mvnw when the repository has it), or the
// Gradle wrapper resolving the build's dependencies. Modules and subprojects below a build are the
// outer build's; only a folder with a wrapper of its own is a separate build.
import { firstRegularFile } from "../repo-files.ts";
import { inFolder, type SetupDetection, type SetupDetector, setupCommand } from "../setup-detector.ts";

const mavenCentral = ["repo.maven.apache.org", "repo1.maven.org"];
const gradleHosts = [
  "services.gradle.org",
  "downloads.gradle.org",
  "plugins.gradle.org",
  "plugins-artifacts.gradle.org",
  ...mavenCentral,
];
const manifests = new Set(["pom.xml", "build.gradle", "build.gradle.kts"]);

async function maven(worktree: string, directory: string): Promise<SetupDetection> {
  const wrapper = await firstRegularFile(worktree, [inFolder(directory, "mvnw")]);
  const program = wrapper ? "./mvnw" : "mvn";
  return {
    ecosystem: "java",
    commands: [setupCommand([program, "--batch-mode", "dependency:go-offline"], directory)],
    allowHosts: mavenCentral,
    producedDirectories: [],
    notes: [
      `${inFolder(directory, "pom.xml")}: ${program} dependency:go-offline${wrapper ? " (the repository's Maven wrapper)" : ""}`,
    ],
  };
}

export const javaSetup: SetupDetector = {
  name: "java",
  isManifest: (name) => manifests.has(name),
  async detect(worktree, directory) {
    if (await firstRegularFile(worktree, [inFolder(directory, "pom.xml")])) return maven(worktree, directory);
    const build = await firstRegularFile(worktree, [
      inFolder(directory, "build.gradle"),
      inFolder(directory, "build.gradle.kts"),
    ]);
    if (!build) return undefined;
    if (!(await firstRegularFile(worktree, [inFolder(directory, "gradlew")]))) {
      const note = `${build} without a Gradle wrapper (gradlew): nothing installed; add the wrapper or declare setup.commands`;
      return { ecosystem: "java", commands: [], allowHosts: [], producedDirectories: [], notes: [note] };
    }
    return {
      ecosystem: "java",
      commands: [setupCommand(["./gradlew", "--no-daemon", "--quiet", "dependencies"], directory)],
      allowHosts: gradleHosts,
      producedDirectories: [],
      notes: [`${build} and gradlew: the wrapper downloads Gradle and resolves the dependencies`],
    };
  },
  async installsOnItsOwn(worktree, directory) {
    const wrappers = [inFolder(directory, "mvnw"), inFolder(directory, "gradlew")];
    return (await firstRegularFile(worktree, wrappers)) !== undefined;
  },
};
