// The maven parser on output the fixtures do not produce: JUnit 4 under Surefire 2.22 and javac's
// symbol/location details (both captured from real runs of Maven 3.8.7), Surefire 3's spelling,
// a results list with a test whose block is missing, and a build that fails before compiling.
// src/verify/java/java-verify.test.ts runs the real Maven on the planted fixtures.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseMavenOutput } from "./maven-parser.ts";

/** mvn -q -B test, JUnit 4.13.2 under Surefire 2.22.3. */
const surefire2Junit4 = `[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.107 s <<< FAILURE! - in com.example.CalculatorTest
[ERROR] subtracts(com.example.CalculatorTest)  Time elapsed: 0.009 s  <<< FAILURE!
java.lang.AssertionError: expected:<1> but was:<5>
	at com.example.CalculatorTest.subtracts(CalculatorTest.java:14)

[ERROR] Failures: 
[ERROR]   CalculatorTest.subtracts:14 expected:<1> but was:<5>
[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.22.3:test (default-test) on project calc: There are test failures.
[ERROR] 
[ERROR] Please refer to /tmp/mv/target/surefire-reports for the individual test results.
[ERROR] -> [Help 1]
`;

/** mvn -q -B test-compile: javac's "cannot find symbol", listed bare and then with [ERROR] prefixes. */
const cannotFindSymbol = `[ERROR] COMPILATION ERROR : 
[ERROR] /tmp/mv/src/main/java/com/example/Calculator.java:[5,48] cannot find symbol
  symbol:   method minus(int,int)
  location: class com.example.Calculator
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project calc: Compilation failure
[ERROR] /tmp/mv/src/main/java/com/example/Calculator.java:[5,48] cannot find symbol
[ERROR]   symbol:   method minus(int,int)
[ERROR]   location: class com.example.Calculator
[ERROR] -> [Help 1]
`;

test("Surefire 2.x with JUnit 4: the test's class comes from `method(Class)`, the assertion class is dropped", () => {
  assert.deepEqual(parseMavenOutput(surefire2Junit4), [
    {
      kind: "test",
      test: "com.example.CalculatorTest.subtracts",
      message: "expected:<1> but was:<5>",
      context: "at CalculatorTest.subtracts(CalculatorTest.java:14)",
    },
  ]);
});

test("a compiler error listed twice is one finding, with javac's symbol and location lines", () => {
  assert.deepEqual(parseMavenOutput(cannotFindSymbol), [
    {
      kind: "compile",
      file: "/tmp/mv/src/main/java/com/example/Calculator.java",
      line: 5,
      column: 48,
      message: "cannot find symbol",
      context: "symbol:   method minus(int,int)\nlocation: class com.example.Calculator",
    },
  ]);
});

test("Surefire 3.x names tests `pkg.Class.method -- Time elapsed`", () => {
  const output = [
    "[ERROR] Tests run: 3, Failures: 1, Errors: 1, Skipped: 0, Time elapsed: 0.052 s <<< FAILURE! -- in com.example.CalculatorTest",
    "[ERROR] com.example.CalculatorTest.subtracts -- Time elapsed: 0.012 s <<< FAILURE!",
    "org.opentest4j.AssertionFailedError: expected: <1> but was: <5>",
    "\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:151)",
    "\tat com.example.CalculatorTest.subtracts(CalculatorTest.java:15)",
    "",
    "[ERROR] com.example.CalculatorTest.parses -- Time elapsed: 0.003 s <<< ERROR!",
    'java.lang.NumberFormatException: For input string: "x"',
    "\tat java.base/java.lang.Integer.parseInt(Integer.java:652)",
    "\tat com.example.CalculatorTest.parses(CalculatorTest.java:21)",
    "",
  ].join("\n");
  assert.deepEqual(
    parseMavenOutput(output).map(({ test, message, context }) => ({ test, message, context })),
    [
      {
        test: "com.example.CalculatorTest.subtracts",
        message: "expected: <1> but was: <5>",
        context: "at CalculatorTest.subtracts(CalculatorTest.java:15)",
      },
      {
        test: "com.example.CalculatorTest.parses",
        message: 'java.lang.NumberFormatException: For input string: "x"',
        context: "at CalculatorTest.parses(CalculatorTest.java:21)",
      },
    ],
  );
});

test("a test only the results list names (its block was not printed) is still reported", () => {
  const output = [
    "[ERROR] Failures: ",
    "[ERROR]   CalculatorTest.subtracts:14 expected:<1> but was:<5>",
    "[ERROR]   OtherTest.works:9->check:20 boom",
    "[ERROR] Tests run: 4, Failures: 2, Errors: 0, Skipped: 0",
  ].join("\n");
  assert.deepEqual(
    parseMavenOutput(output).map(({ test, message }) => ({ test, message })),
    [
      { test: "CalculatorTest.subtracts", message: "expected:<1> but was:<5>" },
      { test: "OtherTest.works", message: "boom" },
    ],
  );
});

test("a build that fails before compiling is reported by its own [ERROR] lines, without Maven's advice", () => {
  const output = [
    "[ERROR] Failed to execute goal on project calc: Could not resolve dependencies for project com.example:calc:jar:1.0: Cannot access central (https://repo.maven.apache.org/maven2) in offline mode and the artifact org.junit.jupiter:junit-jupiter-engine:jar:5.10.0 has not been downloaded from it before. -> [Help 1]",
    "[ERROR] ",
    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
  ].join("\n");
  const findings = parseMavenOutput(output);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.kind, "build");
  assert.match(
    findings[0]?.message ?? "",
    /^Could not resolve dependencies for project com\.example:calc.* before\.$/,
  );
});

/** mvn -q -B test on jBCrypt (JUnit 3.8.1 under Surefire 2.22.3) with a planted failing assertion. */
const surefire2Junit3 = `[ERROR] Tests run: 6, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 11.577 s <<< FAILURE! - in org.mindrot.TestBCrypt
[ERROR] testInternationalChars(org.mindrot.TestBCrypt)  Time elapsed: 0.001 s  <<< FAILURE!
junit.framework.ComparisonFailure: expected:<slipway> but was:<planted>
	at junit.framework.Assert.assertEquals(Assert.java:81)
	at junit.framework.Assert.assertEquals(Assert.java:87)
	at org.mindrot.TestBCrypt.testInternationalChars(TestBCrypt.java:182)
[ERROR] Failures: 
[ERROR]   org.mindrot.TestBCrypt#testInternationalChars ComparisonFailure expected:<slip...
[ERROR] Tests run: 6, Failures: 1, Errors: 0, Skipped: 0
`;

test("a results entry spelled `pkg.Class#method` (no line) is the block's test, not a second failing test", () => {
  assert.deepEqual(parseMavenOutput(surefire2Junit3), [
    {
      kind: "test",
      test: "org.mindrot.TestBCrypt.testInternationalChars",
      message: "expected:<slipway> but was:<planted>",
      context: "at TestBCrypt.testInternationalChars(TestBCrypt.java:182)",
    },
  ]);
});
