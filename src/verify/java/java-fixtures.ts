// Maven and Gradle projects with a planted problem, for tests and benchmarks. No network is
// needed: the Maven projects resolve plugins and JUnit from Debian's /usr/share/maven-repo (a
// `file://` mirror set in .mvn/settings.xml, read through .mvn/maven.config), and the Gradle
// projects' gradlew hands over to the installed gradle with JUnit from /usr/share/java, since a
// real wrapper would download its Gradle distribution first.
import { existsSync } from "node:fs";
import { chmod } from "node:fs/promises";
import path from "node:path";
import { findOnPath } from "../../sandbox/bwrap/toolchain-mounts.ts";
import type { PlantedFixture } from "../planted-fixtures.ts";

export const debianMavenRepository = "/usr/share/maven-repo";
const junitJars = ["/usr/share/java/junit4.jar", "/usr/share/java/hamcrest-core.jar"];

/** Plugins and test libraries the Maven fixtures pin, as repository paths (group/artifact/version). */
const mavenArtifacts = [
  "org/apache/maven/plugins/maven-resources-plugin/3.3.0",
  "org/apache/maven/plugins/maven-compiler-plugin/3.10.1",
  "org/apache/maven/plugins/maven-surefire-plugin/2.22.3",
  "org/apache/maven/surefire/surefire-junit-platform/2.22.3",
  "org/junit/jupiter/junit-jupiter-engine/5.9.2",
];
const mavenPackages =
  "maven libmaven-resources-plugin-java libmaven-compiler-plugin-java libsurefire-java junit5";

function plugin(artifact: string, version: string): string {
  return `      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>${artifact}</artifactId><version>${version}</version></plugin>`;
}

const pom = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<project xmlns="http://maven.apache.org/POM/4.0.0">',
  "  <modelVersion>4.0.0</modelVersion>",
  "  <groupId>com.example</groupId>",
  "  <artifactId>calc</artifactId>",
  "  <version>1.0</version>",
  "  <properties>",
  "    <maven.compiler.release>17</maven.compiler.release>",
  "    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>",
  "  </properties>",
  "  <dependencies>",
  "    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter-engine</artifactId><version>5.9.2</version><scope>test</scope></dependency>",
  "  </dependencies>",
  "  <build>",
  "    <plugins>",
  plugin("maven-resources-plugin", "3.3.0"),
  plugin("maven-compiler-plugin", "3.10.1"),
  plugin("maven-surefire-plugin", "2.22.3"),
  "    </plugins>",
  "  </build>",
  "</project>",
  "",
].join("\n");

/** Maven settings that resolve everything from `repository` into a local repository inside the project. */
export function offlineMavenSettings(repository: string = debianMavenRepository): Record<string, string> {
  const settings = [
    "<settings>",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Maven expands it, not JavaScript.
    "  <localRepository>${maven.multiModuleProjectDirectory}/.m2-local</localRepository>",
    `  <mirrors><mirror><id>offline</id><mirrorOf>*</mirrorOf><url>file://${repository}</url></mirror></mirrors>`,
    "</settings>",
    "",
  ].join("\n");
  return { ".mvn/settings.xml": settings, ".mvn/maven.config": "-s .mvn/settings.xml\n" };
}

function mavenUnavailable(): string | undefined {
  const searchPath = process.env.PATH ?? "";
  if (!findOnPath("mvn", searchPath) || !findOnPath("javac", searchPath)) {
    return `Maven or a JDK is not installed (apt-get install ${mavenPackages} default-jdk-headless)`;
  }
  const missing = mavenArtifacts.filter(
    (artifact) => !existsSync(path.join(debianMavenRepository, artifact)),
  );
  if (missing.length === 0) return undefined;
  return `Maven Central is not reachable, and ${debianMavenRepository} lacks ${missing.join(", ")} (apt-get install ${mavenPackages})`;
}

const calculator = [
  "package com.example;",
  "",
  "public class Calculator {",
  "    public int add(int a, int b) { return a + b; }",
  "",
  "    public int subtract(int a, int b) { return a + b; }",
  "",
];
const calculatorFile = "src/main/java/com/example/Calculator.java";
/** Failing tests are named at their assertion's line in this file (from the frame's bare file name). */
const testFile = "src/test/java/com/example/CalculatorTest.java";

/** A String returned as an int on Calculator.java:8. */
export const mavenCompileError: PlantedFixture = {
  name: "maven-compile-error",
  description: "a String returned from a method declared to return int",
  files: {
    "pom.xml": pom,
    ...offlineMavenSettings(),
    [calculatorFile]: [...calculator, '    public int total() { return "12"; }', "}", ""].join("\n"),
  },
  speed: "fast",
  planted: [{ kind: "compile", file: calculatorFile, line: 8 }],
  unavailable: mavenUnavailable,
};

/** JUnit 5: a failed assertion, a failure in a @Nested class and a NullPointerException; adds passes. */
export const mavenFailingTests: PlantedFixture = {
  name: "maven-failing-test",
  description: "a wrong subtraction caught by two JUnit 5 tests, and a test that dereferences null",
  files: {
    "pom.xml": pom,
    ...offlineMavenSettings(),
    [calculatorFile]: [...calculator, "}", ""].join("\n"),
    [testFile]: [
      "package com.example;",
      "",
      "import static org.junit.jupiter.api.Assertions.assertEquals;",
      "",
      "import org.junit.jupiter.api.Nested;",
      "import org.junit.jupiter.api.Test;",
      "",
      "class CalculatorTest {",
      "    @Test",
      "    void adds() {",
      "        assertEquals(3, new Calculator().add(1, 2));",
      "    }",
      "",
      "    @Test",
      "    void subtracts() {",
      '        assertEquals(1, new Calculator().subtract(3, 2), "3 - 2");',
      "    }",
      "",
      "    @Test",
      "    void describesNothing() {",
      "        Object nothing = null;",
      '        assertEquals("", nothing.toString());',
      "    }",
      "",
      "    @Nested",
      "    class WithNegatives {",
      "        @Test",
      "        void subtractsNegatives() {",
      "            assertEquals(0, new Calculator().subtract(-1, -1));",
      "        }",
      "    }",
      "}",
      "",
    ].join("\n"),
  },
  speed: "full",
  planted: [
    { kind: "test", test: "com.example.CalculatorTest.subtracts", file: testFile, line: 16 },
    { kind: "test", test: "com.example.CalculatorTest.describesNothing", file: testFile, line: 22 },
    {
      kind: "test",
      test: "com.example.CalculatorTest$WithNegatives.subtractsNegatives",
      file: testFile,
      line: 29,
    },
  ],
  unavailable: mavenUnavailable,
};

/** A gradlew that runs the installed gradle with its caches inside the project. */
const gradlew = '#!/bin/sh\nexec gradle --offline -g "$(dirname "$0")/.gradle-home" "$@"\n';
const buildGradle = [
  "apply plugin: 'java'",
  "sourceCompatibility = '1.8'",
  "targetCompatibility = '1.8'",
  `dependencies { testImplementation files(${junitJars.map((jar) => `'${jar}'`).join(", ")}) }`,
  "",
].join("\n");

function gradleUnavailable(): string | undefined {
  const searchPath = process.env.PATH ?? "";
  if (!findOnPath("gradle", searchPath) || !findOnPath("javac", searchPath)) {
    return "Gradle or a JDK is not installed (apt-get install gradle junit4 default-jdk-headless); a real gradlew would download Gradle, and there is no network";
  }
  const missing = junitJars.filter((jar) => !existsSync(jar));
  return missing.length === 0 ? undefined : `${missing.join(", ")} missing (apt-get install junit4)`;
}

const gradleCommon = {
  unavailable: gradleUnavailable,
  prepare: (root: string) => chmod(path.join(root, "gradlew"), 0o755),
};

/** A String returned as an int on Calculator.java:8, compiled by Gradle's javac. */
export const gradleCompileError: PlantedFixture = {
  ...gradleCommon,
  name: "gradle-compile-error",
  description: "a String returned from a method declared to return int",
  files: {
    gradlew,
    "settings.gradle": "rootProject.name = 'calc'\n",
    "build.gradle": buildGradle,
    [calculatorFile]: [...calculator, '    public int total() { return "12"; }', "}", ""].join("\n"),
  },
  speed: "fast",
  planted: [{ kind: "compile", file: calculatorFile, line: 8 }],
};

/** JUnit 4: a failed assertion and a NullPointerException; adds passes. */
export const gradleFailingTests: PlantedFixture = {
  ...gradleCommon,
  name: "gradle-failing-test",
  description: "a wrong subtraction caught by a JUnit 4 test, and a test that dereferences null",
  files: {
    gradlew,
    "settings.gradle": "rootProject.name = 'calc'\n",
    "build.gradle": buildGradle,
    [calculatorFile]: [...calculator, "}", ""].join("\n"),
    [testFile]: [
      "package com.example;",
      "",
      "import static org.junit.Assert.assertEquals;",
      "",
      "import org.junit.Test;",
      "",
      "public class CalculatorTest {",
      "    @Test",
      "    public void adds() {",
      "        assertEquals(3, new Calculator().add(1, 2));",
      "    }",
      "",
      "    @Test",
      "    public void subtracts() {",
      "        assertEquals(1, new Calculator().subtract(3, 2));",
      "    }",
      "",
      "    @Test",
      "    public void describesNothing() {",
      "        Object nothing = null;",
      '        assertEquals("", nothing.toString());',
      "    }",
      "}",
      "",
    ].join("\n"),
  },
  speed: "full",
  planted: [
    { kind: "test", test: "com.example.CalculatorTest > subtracts", file: testFile, line: 15 },
    { kind: "test", test: "com.example.CalculatorTest > describesNothing", file: testFile, line: 21 },
  ],
};

export const javaFixtures: readonly PlantedFixture[] = [
  mavenCompileError,
  mavenFailingTests,
  gradleCompileError,
  gradleFailingTests,
];
