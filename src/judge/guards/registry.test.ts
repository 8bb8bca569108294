// Tests for the guard registry: it matches the folder, runs every guard, formats findings.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { type GuardFinding, GuardPolicy } from "./guard.ts";
import { formatGuardFindings, guards, runGuards } from "./registry.ts";

/** Files of this folder that are not guards. */
const infrastructure = new Set(["guard.ts", "registry.ts", "collect-diff.ts"]);

describe("guard registry", () => {
  test("registers exactly one guard per guard file, under the file's name", async () => {
    const files = readdirSync(import.meta.dirname, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
      .map((entry) => entry.name)
      .filter((name) => !infrastructure.has(name))
      .sort();
    assert.deepEqual(files, [...guards.keys()].map((name) => `${name}.ts`).sort());
    for (const name of guards.keys()) {
      const exported = Object.values(await import(`./${name}.ts`));
      assert.ok(exported.includes(guards.get(name)), `${name}.ts does not export the registered guard`);
    }
  });
});

describe("runGuards", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("passes a clean change with no findings", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/sum.ts": "export const sum = (a: number, b: number) => a - b;\n" },
      { "src/sum.ts": "export const sum = (a: number, b: number) => a + b;\n" },
    );
    assert.deepEqual(runGuards(diff, GuardPolicy.parse({})), { passed: true, findings: [] });
  });

  test("fails a change with findings from several guards, in registry order", async () => {
    const diff = await diffOfChange(
      repo,
      { "src/sum.ts": "x\n" },
      { "src/sum.ts": "// TODO: sum\n", ".github/workflows/ci.yml": "on: push\n" },
    );
    const report = runGuards(diff, GuardPolicy.parse({}));
    assert.equal(report.passed, false);
    assert.deepEqual(
      report.findings.map(({ guard, file, line }) => `${guard} ${file}:${line}`),
      ["protected-files .github/workflows/ci.yml:undefined", "placeholders src/sum.ts:1"],
    );
  });
});

describe("formatGuardFindings", () => {
  const findings: GuardFinding[] = [
    { guard: "secrets", file: "src/a.ts", line: 3, message: "a GitHub token was added; remove it" },
    { guard: "protected-files", file: "package.json", message: "package.json is protected" },
    { guard: "size", file: "", message: "the change is too big;\nmake it smaller" },
    { guard: "paths", file: "odd\nname.txt", message: "outside" },
  ];

  test("prints one line per finding as file:line: [guard] message", () => {
    assert.equal(
      formatGuardFindings(findings),
      [
        "src/a.ts:3: [secrets] a GitHub token was added; remove it",
        "package.json: [protected-files] package.json is protected",
        "[size] the change is too big; make it smaller",
        "odd name.txt: [paths] outside",
      ].join("\n"),
    );
  });

  test("counts the findings past the limit instead of listing them", () => {
    const text = formatGuardFindings(findings, 2);
    assert.equal(text.split("\n").length, 3);
    assert.equal(text.split("\n")[2], "… and 2 more scope-guard findings");
  });
});
