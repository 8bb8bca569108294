// JVM detection from files alone: Maven from pom.xml (./mvnw when present), Gradle from gradlew
// or a build script, and what runs at which speed.
import assert from "node:assert/strict";
import { chmod } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import type { DetectDefaults } from "../ecosystem.ts";
import { useTempDirectories } from "../temp-directories.ts";
import type { VerifierCommand } from "../verifier.ts";
import { detectJavaChecks } from "./java-detector.ts";

const defaults: DetectDefaults = { timeoutMs: 60_000 };
const directory = useTempDirectories();

const shape = ({ name, command, args, parser, speeds }: VerifierCommand) => ({
  name,
  command,
  args,
  parser,
  speeds,
});

test("a repository with neither pom.xml nor Gradle files is not a JVM project", async () => {
  const worktree = await directory({ "Main.java": "class Main {}\n" });
  assert.equal(await detectJavaChecks(worktree, defaults, ""), undefined);
});

test("pom.xml: test-compile runs fast and full, test runs full, both with mvn -B -q -fae", async () => {
  const worktree = await directory({ "pom.xml": "<project/>\n" });
  const detection = await detectJavaChecks(worktree, defaults, "");
  assert.deepEqual(detection?.commands.map(shape), [
    {
      name: "mvn-compile",
      command: "mvn",
      args: ["-B", "-q", "-fae", "test-compile"],
      parser: "maven",
      speeds: ["fast", "full"],
    },
    {
      name: "mvn-test",
      command: "mvn",
      args: ["-B", "-q", "-fae", "test"],
      parser: "maven",
      speeds: ["full"],
    },
  ]);
  assert.ok(
    detection?.notes.some((note) => note.includes("mvn is not on PATH")),
    detection?.notes.join("\n"),
  );
});

test("the repository's ./mvnw is used when present, through sh when it is not executable", async () => {
  const worktree = await directory({ "pom.xml": "<project/>\n", mvnw: "#!/bin/sh\n" });
  const plain = await detectJavaChecks(worktree, defaults, "");
  assert.deepEqual(
    plain?.commands.map(({ command, args }) => [command, ...args].join(" ")),
    ["sh mvnw -B -q -fae test-compile", "sh mvnw -B -q -fae test"],
  );
  await chmod(path.join(worktree, "mvnw"), 0o755);
  assert.equal((await detectJavaChecks(worktree, defaults, ""))?.commands[0]?.command, "./mvnw");
});

test("gradlew: testClasses runs fast and full, test runs full, without a daemon and past the first failure", async () => {
  const worktree = await directory({ gradlew: "#!/bin/sh\n", "build.gradle": "apply plugin: 'java'\n" });
  await chmod(path.join(worktree, "gradlew"), 0o755);
  const detection = await detectJavaChecks(worktree, defaults, "");
  assert.deepEqual(detection?.commands.map(shape), [
    {
      name: "gradle-compile",
      command: "./gradlew",
      args: ["--no-daemon", "--continue", "testClasses"],
      parser: "gradle",
      speeds: ["fast", "full"],
    },
    {
      name: "gradle-test",
      command: "./gradlew",
      args: ["--no-daemon", "--continue", "test"],
      parser: "gradle",
      speeds: ["full"],
    },
  ]);
});

test("a Gradle build script without a wrapper runs gradle from PATH, with a note when it is missing", async () => {
  const worktree = await directory({ "build.gradle.kts": "plugins { java }\n" });
  const detection = await detectJavaChecks(worktree, defaults, "");
  assert.equal(detection?.commands[0]?.command, "gradle");
  assert.ok(
    detection?.notes.some((note) => note.includes("gradle is not on PATH")),
    detection?.notes.join("\n"),
  );
});

test("a repository with both builds gets the Maven and the Gradle checks", async () => {
  const worktree = await directory({ "pom.xml": "<project/>\n", "settings.gradle": "" });
  assert.deepEqual(
    (await detectJavaChecks(worktree, defaults, ""))?.commands.map((command) => command.name),
    ["mvn-compile", "mvn-test", "gradle-compile", "gradle-test"],
  );
});
