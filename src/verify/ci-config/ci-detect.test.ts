// Detection with CI files: `.slipway.yml` > CI-derived checks > ecosystem detection, `fromCi: false`,
// parsers chosen from the script a CI step runs, and refused CI files reported.
import assert from "node:assert/strict";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { detectRunVerifiers, detectVerifiers } from "../detect.ts";
import { useTempDirectories } from "../temp-directories.ts";
import { linkTypescript } from "../verify-fixtures.ts";
import { maxCiFileBytes } from "./ci-file.ts";

const project = useTempDirectories();
const workflow = (...runs: string[]) =>
  `jobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n${runs.map((run) => `      - run: ${run}\n`).join("")}`;
const packageJson = JSON.stringify({
  scripts: { test: "vitest run", build: "tsc --build", lint: "eslint ." },
  devDependencies: { typescript: "^5" },
});
const names = (result: { commands: { name: string }[] }) => result.commands.map((command) => command.name);

describe("detection with CI files", () => {
  test("the CI's tsc --build replaces tsc --noEmit; the test check reads its script's runner", async () => {
    const root = await project({
      "package.json": packageJson,
      "tsconfig.json": "{}",
      ".github/workflows/ci.yml": workflow("npm ci", "npx tsc --build", "npm test"),
    });
    await linkTypescript(root);
    const detected = await detectVerifiers(root);
    assert.deepEqual(names(detected), ["tsc", "test", "lint", "build"]);
    assert.equal(detected.commands[1]!.parser, "vitest");
    assert.ok(!detected.commands.some((command) => command.args.includes("--noEmit")));
  });

  test(".slipway.yml overrides a CI check by name, and fromCi: false turns derivation off", async () => {
    const files = { "package.json": packageJson, ".github/workflows/ci.yml": workflow("npm run lint") };
    const overriding = await project({
      ...files,
      ".slipway.yml": 'verify:\n  commands:\n    - name: lint\n      run: "npx eslint src"\n',
    });
    const result = await detectVerifiers(overriding);
    assert.deepEqual(
      result.commands.map((command) => [command.name, command.command, ...command.args].join(" ")),
      ["lint npx eslint src", "test npm run test", "build npm run build"],
    );
    const replaced = await project({
      ...files,
      ".slipway.yml": 'verify:\n  replace: true\n  commands:\n    - name: only\n      run: "make check"\n',
    });
    const replacing = await detectVerifiers(replaced);
    assert.deepEqual(names(replacing), ["only"]);
    assert.ok(
      !replacing.notes.some((note) => note.startsWith("ci:")),
      "nothing derived when all is replaced",
    );
    const off = await project({ ...files, ".slipway.yml": "verify:\n  fromCi: false\n" });
    const detected = await detectVerifiers(off);
    assert.deepEqual(names(detected), ["lint", "test", "build"]);
    assert.ok(detected.notes.some((note) => /verify\.fromCi is false/.test(note)));
    assert.ok(!detected.notes.some((note) => note.startsWith("ci: lint")));
  });

  test("a run derives from the CI files it is given, never from the worktree's", async () => {
    const root = await project({
      "package.json": packageJson,
      ".github/workflows/ci.yml": workflow("npm run lint"),
    });
    const given = { files: [{ path: ".github/workflows/ci.yml", text: workflow("npm test") }], notes: [] };
    const run = await detectRunVerifiers(root, undefined, { ciFiles: given });
    assert.deepEqual(names(run), ["test", "lint", "build"]);
    assert.ok(run.notes.includes("ci: test (npm test) from .github/workflows/ci.yml jobs.ci step 1"));
    // Without CI files a run derives nothing: the worktree's workflow is not a fallback.
    assert.ok(!(await detectRunVerifiers(root, undefined)).notes.some((note) => note.startsWith("ci:")));
  });

  test("a workflow that is a link, a FIFO-like oddity or oversized is refused with a note", async () => {
    const root = await project({ "package.json": packageJson, "outside.yml": workflow("npm run lint") });
    await mkdir(path.join(root, ".github", "workflows"), { recursive: true });
    await symlink("../../outside.yml", path.join(root, ".github", "workflows", "link.yml"));
    await writeFile(path.join(root, ".github", "workflows", "huge.yml"), `# ${"x".repeat(maxCiFileBytes)}\n`);
    const { commands, notes } = await detectVerifiers(root);
    assert.deepEqual(
      commands.map((command) => command.name),
      ["lint", "test", "build"],
    );
    assert.ok(
      notes.includes("ci: .github/workflows/link.yml is a symlink, not a regular file; it is not read"),
    );
    assert.ok(notes.some((note) => /huge\.yml is not read: .*larger than/.test(note)));
  });
});
