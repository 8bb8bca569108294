// Builds real git repositories in temp directories for tests: a small Node project with a real
// `node --test` suite, committed on `main`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const identity = {
  GIT_AUTHOR_NAME: "Fixture",
  GIT_AUTHOR_EMAIL: "fixture@example.invalid",
  GIT_COMMITTER_NAME: "Fixture",
  GIT_COMMITTER_EMAIL: "fixture@example.invalid",
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: { ...process.env, ...identity }, encoding: "utf8" }).trim();
}

/** Directories tempDir made in this test process: removed when it exits. */
const madeDirectories: string[] = [];

/** Remove what tempDir made; a directory that cannot go (a mount a test leaked) is left alone. */
function removeMadeDirectories(): void {
  for (const directory of madeDirectories.splice(0)) {
    try {
      rmSync(directory, { recursive: true, force: true });
    } catch {
      // Best effort at exit: nothing else may fail the test process now.
    }
  }
}

/**
 * A fresh temp directory, removed with everything in it when the test process exits (a suite run
 * otherwise leaves a few hundred megabytes in /tmp). SLIPWAY_KEEP_TEST_DIRS=1 keeps them to look at.
 */
export function tempDir(prefix: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), `slipway-${prefix}-`));
  if (process.env.SLIPWAY_KEEP_TEST_DIRS !== "1") {
    if (madeDirectories.length === 0) process.once("exit", removeMadeDirectories);
    madeDirectories.push(directory);
  }
  return directory;
}

/** Write `files` (path → content) under `root`, creating directories. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

export const addProject: Record<string, string> = {
  "package.json": JSON.stringify(
    { name: "fixture", private: true, type: "module", scripts: { test: "node --test" } },
    null,
    2,
  ),
  "src/add.js": "export function add(a, b) {\n  return a + b;\n}\n",
  "test/add.test.js": [
    'import assert from "node:assert/strict";',
    'import { test } from "node:test";',
    'import { add } from "../src/add.js";',
    "",
    'test("adds two numbers", () => {',
    "  assert.equal(add(2, 3), 5);",
    "});",
    "",
  ].join("\n"),
};

/** A git repository holding `files`, one commit on `main`. */
export function makeRepo(files: Record<string, string> = addProject): string {
  const repo = tempDir("repo");
  writeFiles(repo, files);
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "initial");
  return repo;
}
