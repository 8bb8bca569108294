// Tests for openScratchWorktree: a fresh worktree of the repository's mirror at HEAD, removed with its branch.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { openScratchWorktree } from "./scratch-worktree.ts";

const created: string[] = [];
after(() => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});

describe("openScratchWorktree", () => {
  test("checks out the repository's HEAD away from its .git, and leaves nothing behind", async () => {
    const repo = makeRepo({ "a.txt": "one\n" });
    const dataDir = tempDir("scratch");
    created.push(repo, dataDir);
    const scratch = await openScratchWorktree(repo, dataDir);
    assert.equal(scratch.baseCommit, git(repo, "rev-parse", "HEAD"));
    assert.equal(readFileSync(path.join(scratch.worktreePath, "a.txt"), "utf8"), "one\n");
    assert.match(readFileSync(path.join(scratch.worktreePath, ".git"), "utf8"), /mirrors\/.*\/worktrees\//);

    await scratch.dispose();
    await scratch.dispose();

    assert.equal(existsSync(scratch.worktreePath), false);
    assert.doesNotMatch(git(scratch.mirrorPath, "branch", "--list"), /exec-/);
  });
});
