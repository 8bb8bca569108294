// The Make fallback: target names read from the Makefile's text, and `make check` / `make test`
// used only when no other ecosystem found a check.
import assert from "node:assert/strict";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { detectVerifiers } from "../detect.ts";
import { runVerifiers } from "../run-verifiers.ts";
import { useTempDirectories } from "../temp-directories.ts";
import { missingProgram, sandboxFor } from "../verify-fixtures.ts";
import { detectMakeChecks } from "./make-detector.ts";
import { readMakefileTargets } from "./makefile-targets.ts";

/** A temp directory holding `files`, removed after the test. */
const project = useTempDirectories();

const makefile = [
  "# Build and test",
  "CC ?= gcc",
  "FLAGS := -O2 -Wall",
  "OBJS ::= a.o b.o",
  "SHELL_OUT != echo hi:there",
  ".PHONY: all test lint",
  "",
  "all: build",
  "build lint: $(OBJS)",
  "\t$(CC) $(FLAGS) -o app $(OBJS)",
  "%.o: %.c",
  "\t$(CC) -c $< -o $@",
  "test:: build \\",
  "    fixtures",
  "\t./run-tests --fast # check: not a target",
  "define HELP",
  "check: this is text inside define",
  "endef",
  "",
].join("\n");

describe("Makefile targets", () => {
  test("explicit rule targets are read; assignments, recipes, patterns, specials and define blocks are not", () => {
    assert.deepEqual([...readMakefileTargets(makefile)].sort(), ["all", "build", "lint", "test"]);
  });
});

describe("make detection", () => {
  const defaults = { timeoutMs: 30_000 };

  test("check and test targets become make checks, check first, read by the auto parser (make runs other tools)", async () => {
    const root = await project({ Makefile: "test:\n\tpytest\n\ncheck: lint test\n" });
    const found = await detectMakeChecks(root, defaults, "/usr/bin:/bin");
    assert.deepEqual(found?.commands, [
      {
        name: "check",
        command: "make",
        args: ["check"],
        cwd: ".",
        parser: "auto",
        speeds: ["fast", "full"],
        timeoutMs: 30_000,
      },
      {
        name: "test",
        command: "make",
        args: ["test"],
        cwd: ".",
        parser: "auto",
        speeds: ["fast", "full"],
        timeoutMs: 30_000,
      },
    ]);
  });

  test("a Makefile without check or test targets gives no checks and a note; no Makefile is not make", async () => {
    const root = await project({ GNUmakefile: "all:\n\techo hi\n" });
    const found = await detectMakeChecks(root, defaults, "/usr/bin:/bin");
    assert.deepEqual(found?.commands, []);
    assert.match(found?.notes[0] ?? "", /GNUmakefile has no check or test target/);
    assert.equal(await detectMakeChecks(await project({ "README.md": "" }), defaults, "/usr/bin"), undefined);
  });

  test("make missing from PATH is noted, and the checks are kept so the gate fails loudly", async () => {
    const root = await project({ makefile: "test:\n\ttrue\n" });
    const emptyBin = await project({});
    const found = await detectMakeChecks(root, defaults, emptyBin);
    assert.equal(found?.commands.length, 1);
    assert.ok(found?.notes.some((note) => note.includes("make is not on PATH")));
    const withMake = await project({});
    await writeFile(path.join(withMake, "make"), "#!/bin/sh\n");
    await chmod(path.join(withMake, "make"), 0o755);
    const quiet = await detectMakeChecks(root, defaults, withMake);
    assert.ok(!quiet?.notes.some((note) => note.includes("not on PATH")));
  });

  test("detectVerifiers uses make when nothing else was found", async () => {
    const root = await project({ Makefile: "check:\n\ttrue\n", "main.c": "int main(void) { return 0; }\n" });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map((command) => [command.command, ...command.args].join(" ")),
      ["make check"],
    );
    assert.ok(notes.some((note) => note.startsWith("make: no other ecosystem found checks")));
  });

  test("detectVerifiers ignores the Makefile when another ecosystem found checks", async () => {
    const root = await project({
      Makefile: "test:\n\tnpm test\n",
      "package.json": JSON.stringify({ scripts: { test: "node --test" } }),
    });
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map((command) => [command.command, ...command.args].join(" ")),
      ["npm run test"],
    );
    assert.ok(!notes.some((note) => note.startsWith("make:")));
  });

  test("a Python project whose detector found no check still falls back to make", async () => {
    const root = await project({ "setup.py": "", Makefile: "test:\n\tpython3 run_tests.py\n" });
    const { commands } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map((command) => command.name),
      ["test"],
    );
  });
});

const missingCompiler = missingProgram("make") ?? missingProgram("cc");
if (missingCompiler) console.log(`# skipping the make run: ${missingCompiler}`);

test("make check that runs the C compiler reports the compiler's error with file:line", {
  skip: missingCompiler,
}, async () => {
  const root = await project({
    Makefile: "check: app\n\t./app\n\napp: app.c\n\tcc -Wall -o app app.c\n",
    "app.c": "int main(void) {\n  return missing;\n}\n",
  });
  const { commands } = await detectVerifiers(root);
  const sandbox = await sandboxFor(root);
  try {
    const [result] = (await runVerifiers(sandbox, commands, "full", AbortSignal.timeout(60_000))).results;
    assert.equal(result?.unparsed, false);
    const [error] = result?.findings ?? [];
    assert.deepEqual(
      [error?.file, error?.line, error?.severity, error?.kind],
      ["app.c", 2, undefined, "compile"],
    );
    // GCC's quotes follow the locale: ‘missing’ or 'missing'.
    assert.match(error?.message ?? "", /^.missing. undeclared/);
    assert.equal(result?.findings.length, 1, "make's own `*** [app] Error 1` is no finding beside it");
  } finally {
    await sandbox.dispose();
  }
});
