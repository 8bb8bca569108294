// The GCC/Clang parser on real output: GCC and make run here on a small C project; Clang's output
// is recorded (fixtures/c/), as CI machines may not have Clang.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { captureOutput, makeProject, missingProgram, removeProject } from "../verify-fixtures.ts";
import { parseCompilerOutput } from "./gcc-parser.ts";

/** The sources the recorded Clang output was made from, too (see fixtures/c/README.md). */
const cSources: Record<string, string> = {
  "util.h": "static inline int half(int x) { return x / 2 }\n",
  "main.c": [
    "#include <stdio.h>",
    '#include "util.h"',
    "int add(int a, int b);",
    "int main(void) {",
    "  int unused;",
    "  char *s = 5;",
    '  printf("%d\\n", add(1, 2) + missing_var);',
    "  return 0;",
    "}",
    "",
  ].join("\n"),
  "fatal.c": '#include "nope.h"\nint f(void) { return 1; }\n',
  "link.c": "int add(int a, int b);\nint main(void) { return add(1, 2); }\n",
  "note.c": "void take(int *p);\nint main(void) { long x = 1; take(&x); return 0; }\n",
  // Each target fails on its own; -k keeps make going so one run prints every kind.
  Makefile: [
    "all: main.o fatal.o note.o linked",
    "main.o: main.c\n\tcc -Wall -c main.c",
    "fatal.o: fatal.c\n\tcc -c fatal.c",
    "note.o: note.c\n\tcc -Wall -Werror -c note.c",
    "linked: link.c\n\tcc -g -o linked link.c",
    "",
  ].join("\n"),
};

const skip = missingProgram("gcc") ?? missingProgram("make");
if (skip) console.log(`# skipping the GCC run: ${skip}`);

function byMessage(findings: Finding[], pattern: RegExp): Finding {
  const found = findings.find((finding) => pattern.test(finding.message));
  assert.ok(found, `a finding matching ${pattern} in ${JSON.stringify(findings, null, 1)}`);
  return found;
}

describe("GCC through make", { skip }, () => {
  let root = "";
  let findings: Finding[] = [];
  before(async () => {
    root = await makeProject(cSources);
    // LC_ALL=C would change GCC's quotes; the sandbox keeps the host's locale, as CI does.
    findings = parseCompilerOutput(await captureOutput(root, "make", ["-k"]));
  });
  after(() => removeProject(root));

  test("an error in an included header carries the include chain and the code frame", () => {
    const error = byMessage(findings, /expected .;. before .}. token/);
    assert.deepEqual([error.file, error.line, error.column, error.severity], ["util.h", 1, 45, undefined]);
    assert.match(error.context ?? "", /^In file included from main\.c:2:/);
    assert.match(error.context ?? "", /return x \/ 2 }/);
  });

  test("a note belongs to its error, and is no finding of its own", () => {
    assert.ok(findings.every((finding) => !/^expected .int \*. but argument/.test(finding.message)));
    const error = byMessage(findings, /passing argument 1 of .take./);
    assert.equal(error.rule, "-Wincompatible-pointer-types", "-Werror=… names the warning option");
    assert.equal(error.severity, undefined, "a warning made an error is an error");
    assert.match(error.context ?? "", /note\.c:1:16: note: expected .int \*./);
  });

  test("fatal errors, undeclared names and the linker's undefined reference are errors with their place", () => {
    const fatal = byMessage(findings, /nope\.h: No such file or directory/);
    assert.deepEqual([fatal.file, fatal.line, fatal.kind], ["fatal.c", 1, "compile"]);
    byMessage(findings, /missing_var. undeclared/);
    const link = byMessage(findings, /undefined reference to `add'/);
    assert.equal(link.kind, "build");
    assert.equal(path.basename(link.file ?? ""), "link.c");
    assert.equal(link.line, 2, "built with -g, the linker names the source line");
    assert.match(link.message, /in function main, \S+\.o\)$/, "the object and function it comes from");
  });

  test("warnings come after every error, with their severity and option; the make echo is no finding", () => {
    const firstWarning = findings.findIndex((finding) => finding.severity === "warning");
    assert.ok(firstWarning > 0);
    assert.ok(findings.slice(firstWarning).every((finding) => finding.severity === "warning"));
    const unused = byMessage(findings, /unused variable .unused./);
    assert.deepEqual([unused.file, unused.line, unused.rule], ["main.c", 5, "-Wunused-variable"]);
    assert.ok(
      findings.every(
        (finding) => !/cc -Wall|Werror -c|collect2|warnings being treated/.test(finding.message),
      ),
    );
  });

  test("make's failed target is no finding beside the compiler's errors", () => {
    assert.ok(findings.every((finding) => !/make: \*\*\*|build step failed/.test(finding.message)));
  });
});

test("Clang's diagnostics (recorded): carets instead of a gutter, fix-its and the driver's echo left out", async () => {
  const output = await readFile(
    path.join(import.meta.dirname, "fixtures/c/clang14-compile-and-link.txt"),
    "utf8",
  );
  const findings = parseCompilerOutput(output);
  assert.deepEqual(
    findings.map((finding) => [finding.file, finding.line, finding.severity ?? "error", finding.message]),
    [
      ["util.h", 1, "error", "expected ';' after return statement"],
      ["main.c", 7, "error", "use of undeclared identifier 'missing_var'"],
      ["fatal.c", 1, "error", "'nope.h' file not found"],
      ["link.c", undefined, "error", "undefined reference to `add' (in function main, /tmp/link-a7f39c.o)"],
      ["note.c", 2, "error", "incompatible pointer types passing 'long *' to parameter of type 'int *'"],
      ["/tmp/h4-c/l2.c", 2, "error", "undefined reference to `add' (in function main, l2.o)"],
      [
        "main.c",
        6,
        "warning",
        "incompatible integer to pointer conversion initializing 'char *' with an expression of type 'int'",
      ],
    ],
  );
  const note = findings.find((finding) => finding.file === "note.c")!;
  assert.equal(note.rule, "-Wincompatible-pointer-types");
  assert.match(note.context ?? "", /note: passing argument to parameter 'p' here/);
  assert.match(findings[1]!.context ?? "", /missing_var\);\n\s+\^$/, "the source line and its caret");
});

test("lld's undefined symbol takes its place from the `>>> referenced by` line", () => {
  const output = [
    "ld.lld: error: undefined symbol: add",
    ">>> referenced by main.c:3",
    ">>>               main.o:(main)",
    "clang: error: linker command failed with exit code 1 (use -v to see invocation)",
  ].join("\n");
  assert.deepEqual(parseCompilerOutput(output), [
    { kind: "build", message: "undefined symbol: add", file: "main.c", line: 3 },
  ]);
});

const skipCpp = missingProgram("g++");
test("a C++ template error keeps where the template was instantiated", { skip: skipCpp }, async () => {
  const source = [
    "#include <string>",
    "template <typename T> int twice(T value) { return value * 2; }",
    "int main() {",
    '  std::string s = "x";',
    "  return twice(s);",
    "}",
    "",
  ].join("\n");
  const root = await makeProject({ "tmpl.cpp": source });
  try {
    const findings = parseCompilerOutput(await captureOutput(root, "g++", ["-c", "tmpl.cpp"]));
    assert.equal(findings.length, 1);
    assert.deepEqual([findings[0]!.file, findings[0]!.line], ["tmpl.cpp", 2]);
    assert.match(findings[0]!.message, /no match for .operator\*./);
    assert.match(
      findings[0]!.context ?? "",
      /In instantiation of[^\n]*\ntmpl\.cpp:5:15: +required from here/,
    );
  } finally {
    await removeProject(root);
  }
});

test("make's failed target alone is one low-priority warning, so the output's tail is shown with it", () => {
  const output = ["./run-tests", "3 of 40 checks failed", "make: *** [Makefile:7: test] Error 1"].join("\n");
  assert.deepEqual(parseCompilerOutput(output), [
    {
      kind: "build",
      severity: "warning",
      message: "build step failed: make: *** [Makefile:7: test] Error 1",
    },
  ]);
});
