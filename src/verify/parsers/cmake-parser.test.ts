// The CMake parser on a real configure (a project with no languages, so no compiler is probed).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Finding } from "../../core/finding.ts";
import { captureOutput, makeProject, missingProgram, removeProject } from "../verify-fixtures.ts";
import { parseCmakeOutput } from "./cmake-parser.ts";

const cmakeLists = [
  "cmake_minimum_required(VERSION 3.13)",
  "project(configure_only NONE)",
  'message(WARNING "careful: option FOO is deprecated")',
  'message(SEND_ERROR "the version file is missing")',
  "find_package(NoSuchThing REQUIRED)",
  "",
].join("\n");

const skip = missingProgram("cmake");
if (skip) console.log(`# skipping the CMake configure: ${skip}`);

describe("CMake configure errors", { skip }, () => {
  let root = "";
  let findings: Finding[] = [];
  before(async () => {
    root = await makeProject({ "CMakeLists.txt": cmakeLists });
    findings = parseCmakeOutput(await captureOutput(root, "cmake", ["-S", ".", "-B", "build"]));
  });
  after(() => removeProject(root));

  test("each error with CMakeLists.txt:line, the command and its first paragraph; warnings last", () => {
    assert.deepEqual(
      findings.map(({ file, line, rule, severity, message }) => [
        file,
        line,
        rule,
        severity,
        message.slice(0, 60),
      ]),
      [
        ["CMakeLists.txt", 4, "message", undefined, "the version file is missing"],
        [
          "CMakeLists.txt",
          5,
          "find_package",
          undefined,
          'By not providing "FindNoSuchThing.cmake" in CMAKE_MODULE_PAT',
        ],
        ["CMakeLists.txt", 3, "message", "warning", "careful: option FOO is deprecated"],
      ],
    );
  });

  test("the rest of a message block is its context; CMake's closing chatter is no finding", () => {
    assert.match(findings[1]!.context ?? "", /NoSuchThingConfig\.cmake/);
    assert.ok(findings.every((finding) => !/Configuring incomplete|See also/.test(finding.message)));
  });
});

test("a message block with no location: `CMake Error: …` on one line", () => {
  const output = 'CMake Error: The source directory "/src/app" does not appear to contain CMakeLists.txt.\n';
  assert.deepEqual(parseCmakeOutput(output), [
    { kind: "build", message: 'The source directory "/src/app" does not appear to contain CMakeLists.txt.' },
  ]);
});
