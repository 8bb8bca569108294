// CMake detection, then the detected checks run for real (cmake, the C compiler, ctest) in a git
// repository: failing tests and compile errors are named with file:line, and the build directory
// never shows up as a change.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { VerifierResult } from "../../core/finding.ts";
import { detectVerifiers } from "../detect.ts";
import { runVerifiers } from "../run-verifiers.ts";
import { useTempDirectories } from "../temp-directories.ts";
import { makeProject, missingProgram, removeProject, sandboxFor } from "../verify-fixtures.ts";
import { cmakeBuildDirectory, detectCmakeChecks } from "./cmake-detector.ts";

const project = useTempDirectories();
const defaults = { timeoutMs: 120_000 };

const cmakeLists = [
  "cmake_minimum_required(VERSION 3.13)",
  "project(calc C)",
  "enable_testing()",
  "add_executable(calc_test calc_test.c)",
  "add_test(NAME adds COMMAND calc_test add)",
  "add_test(NAME subtracts COMMAND calc_test sub)",
  "add_test(NAME crashes COMMAND calc_test crash)",
  "add_test(NAME passes COMMAND calc_test pass)",
  "",
].join("\n");

const calcTest = [
  "#include <assert.h>",
  "#include <stdio.h>",
  "#include <string.h>",
  "static int add(int a, int b) { return a - b; }",
  "int main(int argc, char **argv) {",
  '  const char *what = argc > 1 ? argv[1] : "";',
  '  if (strcmp(what, "add") == 0) { assert(add(2, 2) == 4); }',
  '  if (strcmp(what, "sub") == 0) { fprintf(stderr, "%s:%d: expected 1, got %d\\n", __FILE__, __LINE__, 3); return 1; }',
  '  if (strcmp(what, "crash") == 0) { volatile int *p = 0; return *p; }',
  "  return 0;",
  "}",
  "",
].join("\n");

describe("cmake detection", () => {
  test("configure and build (fast and full), ctest (full) in a build directory; before make's fallback", async () => {
    const root = await project({ "CMakeLists.txt": cmakeLists, Makefile: "test:\n\techo make\n" });
    const { commands, notes } = await detectVerifiers(root, defaults);
    assert.deepEqual(
      commands.map(({ name, command, parser, speeds }) => ({ name, command, parser, speeds })),
      [
        { name: "cmake-configure", command: "sh", parser: "cmake", speeds: ["fast", "full"] },
        { name: "cmake-build", command: "cmake", parser: "cmake", speeds: ["fast", "full"] },
        { name: "ctest", command: "sh", parser: "ctest", speeds: ["full"] },
      ],
    );
    assert.ok(notes.some((note) => note.includes(`${cmakeBuildDirectory}/ (ignored by git)`)));
  });

  test("no enable_testing(): no ctest check, and a note says why", async () => {
    const root = await project({ "CMakeLists.txt": "project(lib C)\nadd_library(lib lib.c)\n" });
    const found = await detectCmakeChecks(root, defaults, "/usr/bin:/bin");
    assert.deepEqual(
      found?.commands.map((command) => command.name),
      ["cmake-configure", "cmake-build"],
    );
    assert.ok(found?.notes.some((note) => /does not call enable_testing\(\)/.test(note)));
  });

  test("a project beside another ecosystem's manifest gets no CMake checks (a Node addon)", async () => {
    const root = await project({
      "CMakeLists.txt": cmakeLists,
      "package.json": JSON.stringify({ scripts: { test: "node --test" } }),
    });
    const { commands } = await detectVerifiers(root, defaults);
    assert.deepEqual(
      commands.map((command) => command.name),
      ["test"],
    );
  });

  test("a CMakeLists.txt that is a link is not read", async () => {
    const root = await project({ "real.txt": cmakeLists });
    execFileSync("ln", ["-s", "real.txt", path.join(root, "CMakeLists.txt")]);
    const found = await detectCmakeChecks(root, defaults, "/usr/bin:/bin");
    assert.deepEqual(found?.commands, []);
  });
});

const skip =
  missingProgram("cmake") ?? missingProgram("ctest") ?? missingProgram("cc") ?? missingProgram("git");
if (skip) console.log(`# skipping the CMake runs: ${skip}`);

describe("cmake checks run", { skip }, () => {
  let root = "";
  let results: VerifierResult[] = [];
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8" });

  before(async () => {
    root = await makeProject({ "CMakeLists.txt": cmakeLists, "calc_test.c": calcTest });
    git("init", "--quiet");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "calc");
    const { commands } = await detectVerifiers(root, defaults);
    const sandbox = await sandboxFor(root);
    try {
      results = (await runVerifiers(sandbox, commands, "full", AbortSignal.timeout(120_000))).results;
    } finally {
      await sandbox.dispose();
    }
  });
  after(() => removeProject(root));

  test("configure and build pass; ctest names each failing test with its file:line and message", () => {
    assert.deepEqual(
      results.map((result) => [result.name, result.passed]),
      [
        ["cmake-configure", true],
        ["cmake-build", true],
        ["ctest", false],
      ],
    );
    const findings = results[2]!.findings;
    assert.deepEqual(
      findings.map(({ test, file, line, message }) => ({ test, file, line, message })),
      [
        { test: "adds", file: "calc_test.c", line: 7, message: "Assertion `add(2, 2) == 4' failed." },
        { test: "subtracts", file: "calc_test.c", line: 8, message: "expected 1, got 3" },
        { test: "crashes", file: undefined, line: undefined, message: "SEGFAULT" },
      ],
    );
  });

  test("the build directory is no change to the repository: git sees nothing untracked", () => {
    assert.equal(git("status", "--porcelain", "--untracked-files=all"), "");
    assert.equal(git("check-ignore", "-q", `${cmakeBuildDirectory}/CMakeCache.txt`), "");
  });

  test("a compile error fails the build with the compiler's file:line", async () => {
    await writeFile(path.join(root, "calc_test.c"), calcTest.replace("return a - b;", "return a - b"));
    const { commands } = await detectVerifiers(root, defaults);
    const sandbox = await sandboxFor(root);
    try {
      const report = await runVerifiers(sandbox, commands, "fast", AbortSignal.timeout(120_000));
      const build = report.results.find((result) => result.name === "cmake-build")!;
      assert.equal(build.passed, false);
      const error = build.findings[0]!;
      assert.deepEqual([error.file, error.line, error.kind], ["calc_test.c", 4, "compile"]);
      assert.match(error.message, /expected .;. before .}. token/);
      assert.ok(
        build.findings.every((finding) => finding.severity === "warning" || finding.kind === "compile"),
      );
    } finally {
      await sandbox.dispose();
    }
  });
});
