// Regression tests for two ways around the frozen tree found by the red team: a nested repository in
// the worktree whose own config names a filter driver (host-side `git add` ran it as the platform's
// user), and an ignored file (a rewritten runner under node_modules/.bin) that made broken code pass
// the gate. Real git, real mirror and worktree; the agent's part is done with plain git and files.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ensureMirror } from "../../src/workspace/mirror-cache.ts";
import { createWorktree } from "../../src/workspace/worktree.ts";
import {
  removeFilesOutsideTree,
  retakeFrozenTree,
  snapshotWorktree,
} from "../../src/workspace/worktree-commit.ts";
import { git, makeRepo, tempDir } from "../helpers/git-fixture.ts";

const created: string[] = [];
after(() => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});

async function worktreeOf(files: Record<string, string>, gitlink?: { path: string; commit: string }) {
  const source = makeRepo(files);
  if (gitlink) {
    // A submodule entry, as a repository with submodules has: git asks such a path whether it is modified.
    git(source, "update-index", "--add", "--cacheinfo", `160000,${gitlink.commit},${gitlink.path}`);
    git(source, "commit", "--quiet", "-m", "add a submodule entry");
  }
  const dataDir = tempDir("nested-data");
  created.push(source, dataDir);
  const { mirrorPath } = await ensureMirror(source, dataDir);
  const worktreePath = path.join(dataDir, "worktrees", "run_1");
  await createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/nested", worktreePath });
  return { mirrorPath, worktreePath };
}

/**
 * What the agent builds inside its sandbox: a repository whose own config names a filter that writes
 * `marker`, left dirty so that asking whether it is modified hashes a file through the filter.
 * Returns the repository's directory and its commit.
 */
function hostileRepository(marker: string): { directory: string; commit: string } {
  const directory = tempDir("nested-repo");
  created.push(directory);
  const inside = (...args: string[]) =>
    execFileSync("git", ["-C", directory, "-c", "user.name=a", "-c", "user.email=a@b.invalid", ...args], {
      encoding: "utf8",
    }).trim();
  inside("init", "-q");
  writeFileSync(path.join(directory, "notes.txt"), "v1\n");
  writeFileSync(path.join(directory, ".gitattributes"), "*.txt filter=evil\n");
  inside("add", "-A");
  inside("commit", "-qm", "init");
  inside("config", "filter.evil.clean", `sh -c 'id > ${marker}; cat'`);
  writeFileSync(path.join(directory, "notes.txt"), "v2\n");
  return { directory, commit: inside("rev-parse", "HEAD") };
}

function newMarker(): string {
  const directory = tempDir("nested-marker");
  created.push(directory);
  return path.join(directory, "ran");
}

describe("a nested repository in the worktree", () => {
  test("the freeze refuses it, and its filter never runs on the host", async () => {
    const marker = newMarker();
    const nested = hostileRepository(marker);
    const { mirrorPath, worktreePath } = await worktreeOf(
      { "a.txt": "one\n" },
      { path: "vendor/helper", commit: nested.commit },
    );
    execFileSync("cp", ["-a", `${nested.directory}/.`, path.join(worktreePath, "vendor", "helper")]);
    // Positive control: the planted filter really runs when git asks that repository for its status.
    execFileSync("git", ["-C", path.join(worktreePath, "vendor", "helper"), "status", "--porcelain"]);
    assert.ok(existsSync(marker), "the planted filter did not run even for plain git: the attack is broken");
    rmSync(marker);
    const refusal = await snapshotWorktree(mirrorPath, worktreePath).catch((error: Error) => error);
    assert.equal(existsSync(marker), false, "the nested repository's filter ran on the host");
    assert.match(String(refusal), /nested git repository \("vendor\/helper\/\.git"\)/);
  });

  test("a nested repository made after the freeze is refused by the re-check before git looks at it", async () => {
    const marker = newMarker();
    const nested = hostileRepository(marker);
    const { mirrorPath, worktreePath } = await worktreeOf(
      { "a.txt": "one\n" },
      { path: "lib/x", commit: nested.commit },
    );
    writeFileSync(path.join(worktreePath, "a.txt"), "two\n");
    const tree = await snapshotWorktree(mirrorPath, worktreePath);
    // A check of the gate (or a process of the agent's) puts the repository in place after the freeze.
    execFileSync("cp", ["-a", `${nested.directory}/.`, path.join(worktreePath, "lib", "x")]);
    const refusal = await retakeFrozenTree(mirrorPath, worktreePath, tree).catch((error: Error) => error);
    assert.equal(existsSync(marker), false, "the nested repository's filter ran on the host");
    assert.match(String(refusal), /nested git repository \("lib\/x\/\.git"\)/);
  });
});

describe("files outside the frozen tree", () => {
  test("ignored files the agent left are removed before the gate, tracked and frozen files stay", async () => {
    const { mirrorPath, worktreePath } = await worktreeOf({
      ".gitignore": "node_modules/\n*.log\n",
      "src/add.js": "export const add = (a, b) => a + b;\n",
    });
    // The agent breaks the code and rewrites an ignored runner that the checks would call.
    writeFileSync(path.join(worktreePath, "src/add.js"), "export const add = (a, b) => a - b;\n");
    const runner = path.join(worktreePath, "node_modules", ".bin", "runner");
    mkdirSync(path.dirname(runner), { recursive: true });
    writeFileSync(runner, "#!/bin/sh\nexit 0\n");
    chmodSync(runner, 0o755);
    writeFileSync(path.join(worktreePath, "debug.log"), "noise\n");
    writeFileSync(path.join(worktreePath, "new.txt"), "frozen too\n");
    const tree = await snapshotWorktree(mirrorPath, worktreePath);
    const removed = await removeFilesOutsideTree(mirrorPath, worktreePath, tree);
    assert.deepEqual(removed.sort(), ["debug.log", "node_modules/"]);
    assert.equal(existsSync(runner), false, "the ignored runner is still there for the checks to call");
    assert.equal(readFileSync(path.join(worktreePath, "new.txt"), "utf8"), "frozen too\n");
    assert.match(readFileSync(path.join(worktreePath, "src/add.js"), "utf8"), /a - b/);
    // The worktree now holds exactly the frozen tree.
    assert.equal(await retakeFrozenTree(mirrorPath, worktreePath, tree), tree);
    assert.equal(git(worktreePath, "status", "--porcelain", "--ignored", "--", "node_modules"), "");
  });
});
