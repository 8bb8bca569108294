// The gradle parser on output the fixtures do not produce: Gradle 8's console (`> Task` lines,
// `Class > method() FAILED`), the full exception format, Kotlin compiler errors, a broken build
// script, and Gradle 4's task name glued to javac's first line (captured from Gradle 4.4.1).
// src/verify/java/java-verify.test.ts runs the real Gradle on the planted fixtures.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGradleOutput } from "./gradle-parser.ts";

test("Gradle 4's plain console prints `:compileJava` and javac's first line together; both are read", () => {
  const output = [
    ":compileJava/tmp/gr/src/main/java/com/example/Calculator.java:4: error: incompatible types: String cannot be converted to int",
    '    public int add(int a, int b) { return "x"; }',
    "                                          ^",
    "1 error",
    " FAILED",
  ].join("\n");
  assert.deepEqual(parseGradleOutput(output), [
    {
      kind: "compile",
      file: "/tmp/gr/src/main/java/com/example/Calculator.java",
      line: 4,
      column: 43,
      message: "incompatible types: String cannot be converted to int",
      context: 'public int add(int a, int b) { return "x"; }\n                                      ^',
    },
  ]);
});

test("Gradle 8: failing tests with nested classes and parameters, in the short format", () => {
  const output = [
    "> Task :app:test FAILED",
    "",
    "CalculatorTest > subtracts() FAILED",
    "    org.opentest4j.AssertionFailedError at CalculatorTest.java:15",
    "",
    "CalculatorTest > WithNegatives > subtractsNegatives() FAILED",
    "    org.opentest4j.AssertionFailedError at CalculatorTest.java:29",
    "",
    "CalculatorTest > adds(int, int) > [2] 5, 7 FAILED",
    "    java.lang.IllegalStateException at CalculatorTest.java:40",
    "",
    "6 tests completed, 3 failed",
    "",
    "FAILURE: Build failed with an exception.",
    "",
    "* What went wrong:",
    "Execution failed for task ':app:test'.",
    "> There were failing tests. See the report at: file:///work/app/build/reports/tests/test/index.html",
  ].join("\n");
  assert.deepEqual(
    parseGradleOutput(output).map(({ test, message }) => ({ test, message })),
    [
      {
        test: "CalculatorTest > subtracts()",
        message: "org.opentest4j.AssertionFailedError at CalculatorTest.java:15",
      },
      {
        test: "CalculatorTest > WithNegatives > subtractsNegatives()",
        message: "org.opentest4j.AssertionFailedError at CalculatorTest.java:29",
      },
      {
        test: "CalculatorTest > adds(int, int) > [2] 5, 7",
        message: "java.lang.IllegalStateException at CalculatorTest.java:40",
      },
    ],
  );
});

test("the full exception format gives the assertion message and the test's own frame", () => {
  const output = [
    "CalculatorTest > subtracts() FAILED",
    "    org.opentest4j.AssertionFailedError: 3 - 2 ==> expected: <1> but was: <5>",
    "        at app//org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
    "        at app//org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:150)",
    "        at app//com.example.CalculatorTest.subtracts(CalculatorTest.java:16)",
  ].join("\n");
  assert.deepEqual(parseGradleOutput(output), [
    {
      kind: "test",
      test: "CalculatorTest > subtracts()",
      message: "3 - 2 ==> expected: <1> but was: <5>",
      context: "at CalculatorTest.subtracts(CalculatorTest.java:16)",
    },
  ]);
});

test("Kotlin compiler errors, new and old spelling; warnings are left out", () => {
  const output = [
    "> Task :compileKotlin FAILED",
    "w: file:///work/app/src/main/kotlin/Unused.kt:3:9 Variable 'x' is never used",
    "e: file:///work/app/src/main/kotlin/Calculator.kt:4:35 Type mismatch: inferred type is String but Int was expected",
    "e: /work/app/src/main/kotlin/Other.kt: (7, 12): Unresolved reference: minus",
  ].join("\n");
  assert.deepEqual(
    parseGradleOutput(output).map(({ file, line, column, message }) => ({ file, line, column, message })),
    [
      {
        file: "/work/app/src/main/kotlin/Calculator.kt",
        line: 4,
        column: 35,
        message: "Type mismatch: inferred type is String but Int was expected",
      },
      {
        file: "/work/app/src/main/kotlin/Other.kt",
        line: 7,
        column: 12,
        message: "Unresolved reference: minus",
      },
    ],
  );
});

test("a broken build script is a build finding at the file and line `* Where:` names", () => {
  const output = [
    "FAILURE: Build failed with an exception.",
    "",
    "* Where:",
    "Build file '/work/app/build.gradle' line: 5",
    "",
    "* What went wrong:",
    "A problem occurred evaluating root project 'calc'.",
    "> Could not find method testImplementaton() for arguments [junit:junit:4.13.2] on object of type org.gradle.api.internal.artifacts.dsl.dependencies.DefaultDependencyHandler.",
    "",
    "* Try:",
    "Run with --stacktrace option to get the stack trace.",
  ].join("\n");
  const findings = parseGradleOutput(output);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.kind, "build");
  assert.equal(findings[0]?.file, "/work/app/build.gradle");
  assert.equal(findings[0]?.line, 5);
  assert.match(
    findings[0]?.message ?? "",
    /A problem occurred evaluating root project 'calc'\. > Could not find method testImplementaton\(\)/,
  );
});
