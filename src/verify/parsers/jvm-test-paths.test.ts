// locateJvmTestFiles on real folders: Maven's layout, a module below the project, a nested class,
// Gradle's test names, and the findings it must leave alone (a library frame, a link, two
// candidate files, a hostile package name).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { locateJvmTestFiles } from "./jvm-test-paths.ts";

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function project(files: string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-jvm-paths-"));
  roots.push(root);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), "class X {}\n");
  }
  return root;
}

function failing(test: string, frame: string): Finding {
  return { kind: "test", test, message: "expected:<1> but was:<5>", context: `boom\nat ${frame}` };
}

test("Surefire's pkg.Class.method and its frame's bare file name become the file under src/test/java", () => {
  const root = project(["src/test/java/org/mindrot/TestBCrypt.java"]);
  const finding = failing(
    "org.mindrot.TestBCrypt.testInternationalChars",
    "TestBCrypt.testInternationalChars(TestBCrypt.java:182)",
  );
  assert.deepEqual(locateJvmTestFiles([finding], root, "."), [
    { ...finding, file: "src/test/java/org/mindrot/TestBCrypt.java", line: 182 },
  ]);
});

test("a module's test below the project, a nested class's frame, and Gradle's `Class > method`", () => {
  const root = project(["core/src/test/java/com/example/CalculatorTest.java", "core/pom.xml"]);
  const nested = failing(
    "com.example.CalculatorTest$WithNegatives.subtractsNegatives",
    "CalculatorTest$WithNegatives.subtractsNegatives(CalculatorTest.java:29)",
  );
  const gradle = failing(
    "com.example.CalculatorTest > subtracts",
    "CalculatorTest.subtracts(CalculatorTest.java:15)",
  );
  const located = locateJvmTestFiles([nested, gradle], root, ".");
  assert.deepEqual(
    located.map(({ file, line }) => `${file}:${line}`),
    [
      "core/src/test/java/com/example/CalculatorTest.java:29",
      "core/src/test/java/com/example/CalculatorTest.java:15",
    ],
  );
});

test("a library's frame, a linked file, two candidate files and a hostile package name are left unnamed", () => {
  const root = project([
    "src/test/java/a/ATest.java",
    "one/src/test/java/b/BTest.java",
    "two/src/test/java/b/BTest.java",
    "outside/c/CTest.java",
  ]);
  mkdirSync(path.join(root, "src/test/java/c"), { recursive: true });
  symlinkSync(path.join(root, "outside/c/CTest.java"), path.join(root, "src/test/java/c/CTest.java"));
  const findings = [
    failing("a.ATest.works", "Assert.assertEquals(Assert.java:81)"),
    failing("c.CTest.works", "CTest.works(CTest.java:3)"),
    failing("b.BTest.works", "BTest.works(BTest.java:4)"),
    failing("...outside.c.CTest.works", "CTest.works(CTest.java:3)"),
    { kind: "test", test: "a.ATest.works", message: "no frame" } satisfies Finding,
  ];
  assert.deepEqual(locateJvmTestFiles(findings, root, "."), findings);
});

test("a check run in a module's folder names the file relative to that folder", () => {
  const root = project(["lib/src/test/java/a/ATest.java"]);
  const [located] = locateJvmTestFiles([failing("a.ATest.works", "ATest.works(ATest.java:7)")], root, "lib");
  assert.equal(located?.file, "src/test/java/a/ATest.java");
  assert.equal(located?.line, 7);
});

test("Gradle's short format names the file in the message only: `AssertionError at CalculatorTest.java:15`", () => {
  const root = project(["src/test/java/com/example/CalculatorTest.java"]);
  const finding: Finding = {
    kind: "test",
    test: "com.example.CalculatorTest > subtracts",
    message: "java.lang.AssertionError at CalculatorTest.java:15",
  };
  const library: Finding = { ...finding, message: "java.lang.AssertionError at Assert.java:89" };
  const [located, left] = locateJvmTestFiles([finding, library], root, ".");
  assert.equal(`${located?.file}:${located?.line}`, "src/test/java/com/example/CalculatorTest.java:15");
  assert.deepEqual(left, library);
});
