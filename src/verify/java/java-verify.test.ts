// The real Maven and Gradle on planted fixtures, through detection, the none sandbox and the
// parsers. Maven Central is not reachable here, so the Maven fixtures resolve from Debian's
// /usr/share/maven-repo, and the Gradle fixtures' gradlew runs the installed gradle.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { missedProblems, runPlantedFixture } from "../planted-fixtures.ts";
import {
  gradleCompileError,
  gradleFailingTests,
  mavenCompileError,
  mavenFailingTests,
} from "./java-fixtures.ts";

const timeout = 600_000;
/**
 * Every JVM of a check (Maven, Gradle, javac, the forked test JVMs) compiles with C1 only and the
 * serial collector: a short build spends far less CPU in the JIT (measured 31 → 19 CPU-seconds for
 * this file); what the checks print, and so what is parsed, stays the same but for the JVM's
 * "Picked up JAVA_TOOL_OPTIONS" line, which a user's own setting prints too.
 */
const quickJvms = {
  environment: {
    JAVA_TOOL_OPTIONS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
  },
};

// Each fixture is a project of its own (its own local repository or Gradle home): they build at
// once, as much of a JVM build's time is spent starting up and waiting on its forked JVMs.
describe("Java verification on real Maven and Gradle", { concurrency: true }, () => {
  test("Maven: a planted compile error fails test-compile with file:line", {
    skip: mavenCompileError.unavailable(),
    timeout,
  }, async () => {
    const { report } = await runPlantedFixture(mavenCompileError, AbortSignal.timeout(timeout), quickJvms);
    const [check] = report.results;
    assert.equal(check?.name, "mvn-compile");
    assert.equal(check?.passed, false);
    assert.equal(check?.unparsed, false);
    assert.deepEqual(missedProblems(report, mavenCompileError.planted), []);
    assert.match(
      report.summary,
      /src\/main\/java\/com\/example\/Calculator\.java:8: incompatible types: java\.lang\.String cannot be converted to int/,
    );
    assert.equal(check?.findings.length, 1, "Maven lists the error twice; it is reported once");
  });

  test("Maven: planted failing JUnit 5 tests are each named with class and method; the passing one is not", {
    skip: mavenFailingTests.unavailable(),
    timeout,
  }, async () => {
    const { report } = await runPlantedFixture(mavenFailingTests, AbortSignal.timeout(timeout), quickJvms);
    const byName = new Map(report.results.map((result) => [result.name, result]));
    assert.equal(byName.get("mvn-compile")?.passed, true);
    assert.equal(byName.get("mvn-test")?.passed, false);
    assert.deepEqual(missedProblems(report, mavenFailingTests.planted), []);
    assert.match(
      report.summary,
      /com\.example\.CalculatorTest\.subtracts\n\s+3 - 2 ==> expected: <1> but was: <5>/,
    );
    assert.match(report.summary, /NullPointerException/);
    assert.match(report.summary, /CalculatorTest\.java:29/);
    assert.doesNotMatch(report.summary, /\.adds\b/);
  });

  test("Gradle: a planted compile error fails testClasses with file:line and javac's caret", {
    skip: gradleCompileError.unavailable(),
    timeout,
  }, async () => {
    const { report } = await runPlantedFixture(gradleCompileError, AbortSignal.timeout(timeout), quickJvms);
    const [check] = report.results;
    assert.equal(check?.name, "gradle-compile");
    assert.equal(check?.passed, false);
    assert.deepEqual(missedProblems(report, gradleCompileError.planted), []);
    assert.match(report.summary, /Calculator\.java:8: incompatible types: String cannot be converted to int/);
    assert.match(report.summary, /\n\s+\^/);
  });

  test("Gradle: planted failing JUnit 4 tests are each named with the exception and test file line", {
    skip: gradleFailingTests.unavailable(),
    timeout,
  }, async () => {
    const { report } = await runPlantedFixture(gradleFailingTests, AbortSignal.timeout(timeout), quickJvms);
    const byName = new Map(report.results.map((result) => [result.name, result]));
    assert.equal(byName.get("gradle-test")?.passed, false);
    assert.equal(byName.get("gradle-test")?.unparsed, false);
    assert.deepEqual(missedProblems(report, gradleFailingTests.planted), []);
    assert.match(
      report.summary,
      /CalculatorTest > subtracts\n\s+java\.lang\.AssertionError at CalculatorTest\.java:15/,
    );
    assert.doesNotMatch(report.summary, / > adds/);
  });
});
