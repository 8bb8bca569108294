// Tests for the frozen tree: a snapshot leaves the worktree's own index alone and setup's untracked
// files out, a re-take sees every change to the tree's files, and the commit records the given tree
// whatever the worktree holds.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { ensureMirror } from "./mirror-cache.ts";
import { createWorktree } from "./worktree.ts";
import {
  changedFiles,
  changedPathsBetween,
  commitTree,
  retakeFrozenTree,
  snapshotWorktree,
} from "./worktree-commit.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const committer = { name: "Slipway", email: "slipway@localhost" };

/** A worktree of a repository that `prepare` made: its mirror, its path and its base commit. */
async function worktreeOf(prepare: () => string) {
  const source = prepare();
  const dataDir = tempDir("data");
  created.push(source, dataDir);
  const { mirrorPath } = await ensureMirror(source, dataDir);
  const worktreePath = path.join(dataDir, "worktrees", "run_1");
  const { baseCommit } = await createWorktree({
    mirrorPath,
    baseRef: "main",
    branch: "slipway/t1",
    worktreePath,
  });
  return { mirrorPath, worktreePath, baseCommit };
}

function setUp() {
  return worktreeOf(() => {
    const source = makeRepo({ "a.txt": "one\n", "b.txt": "two\n", ".gitignore": "*.log\n" });
    // b.txt is tracked and then named by .gitignore: a snapshot must keep it all the same.
    writeFileSync(path.join(source, ".gitignore"), "*.log\nb.txt\n");
    git(source, "commit", "--quiet", "-am", "ignore b.txt");
    return source;
  });
}

describe("snapshotWorktree", () => {
  test("freezes changes, new files and deletions; tracked files that .gitignore names stay; the index is untouched", async () => {
    const { mirrorPath, worktreePath, baseCommit } = await setUp();
    appendFileSync(path.join(worktreePath, "a.txt"), "two\n");
    writeFileSync(path.join(worktreePath, "new.txt"), "new\n");
    writeFileSync(path.join(worktreePath, "debug.log"), "ignored\n");
    const tree = await snapshotWorktree(mirrorPath, worktreePath);
    assert.deepEqual(await changedPathsBetween(mirrorPath, worktreePath, baseCommit, tree), [
      "a.txt",
      "new.txt",
    ]);
    assert.equal(git(mirrorPath, "show", `${tree}:b.txt`), "two");
    // The worktree's own index still holds the base: nothing was staged there.
    assert.equal(git(worktreePath, "diff", "--cached", "--name-only"), "");
    unlinkSync(path.join(worktreePath, "b.txt"));
    const afterDelete = await snapshotWorktree(mirrorPath, worktreePath);
    assert.deepEqual(await changedPathsBetween(mirrorPath, worktreePath, tree, afterDelete), ["b.txt"]);
  });
});

describe("snapshotWorktree with paths set aside (what setup installed)", () => {
  test("leaves their untracked files out, whatever .gitignore says; tracked files there still count", async () => {
    const { mirrorPath, worktreePath, baseCommit } = await worktreeOf(() =>
      makeRepo({
        "a.txt": "one\n",
        "node_modules/vendored/index.js": "tracked\n",
        "node_modules/gone.js": "tracked\n",
      }),
    );
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(worktreePath, file)), { recursive: true });
      writeFileSync(path.join(worktreePath, file), text);
    };
    write("node_modules/installed/index.js", "from setup\n");
    write("node_modules/vendored/extra.js", "untracked beside a tracked file\n");
    write("node_modules/vendored/index.js", "changed by the agent\n");
    unlinkSync(path.join(worktreePath, "node_modules/gone.js"));
    // The agent tries to bring setup's files in (or hide them) with ignore rules of its own.
    write(".gitignore", "!node_modules/\n!/node_modules/**\n");
    // "x*" is that folder only: as a glob it would also leave out "xy".
    write("x*/set-aside.txt", "left out\n");
    write("xy/kept.txt", "kept\n");
    const tree = await snapshotWorktree(mirrorPath, worktreePath, undefined, ["node_modules", "x*"]);
    assert.deepEqual(await changedPathsBetween(mirrorPath, worktreePath, baseCommit, tree), [
      ".gitignore",
      "node_modules/gone.js",
      "node_modules/vendored/index.js",
      "xy/kept.txt",
    ]);
    // The agent's fast checks pick the tests nearest to its change: nothing setup installed is one.
    assert.deepEqual(await changedFiles(mirrorPath, worktreePath, undefined, ["node_modules", "x*"]), [
      ".gitignore",
      "xy/kept.txt",
    ]);
    for (const bad of [".", "", "..", "../a", "/etc", "a/", "a/../b"]) {
      await assert.rejects(
        snapshotWorktree(mirrorPath, worktreePath, undefined, [bad]),
        /is not a path inside the worktree/,
        bad,
      );
    }
  });
});

describe("snapshotWorktree with set-aside paths .gitignore already names", () => {
  test("is no failure, and freezes every other change, whatever bytes a name holds", async () => {
    const { mirrorPath, worktreePath, baseCommit } = await worktreeOf(() =>
      makeRepo({ "a.txt": "one\n", ".gitignore": "node_modules/\nweb/\n" }),
    );
    for (const folder of ["node_modules", "web/node_modules"]) {
      mkdirSync(path.join(worktreePath, folder), { recursive: true });
      writeFileSync(path.join(worktreePath, folder, "index.js"), "from setup\n");
    }
    writeFileSync(path.join(worktreePath, "new.txt"), "new\n");
    // A Latin-1 name: not UTF-8, so it must never pass through a JavaScript string on its way in.
    writeFileSync(Buffer.concat([Buffer.from(`${worktreePath}/caf`), Buffer.from([0xe9])]), "x\n");
    const tree = await snapshotWorktree(mirrorPath, worktreePath, undefined, [
      "node_modules",
      "web/node_modules",
    ]);
    const changed = await changedPathsBetween(mirrorPath, worktreePath, baseCommit, tree);
    assert.equal(changed.length, 2, JSON.stringify(changed));
    assert.ok(changed.includes("new.txt"));
    assert.ok(changed.some((name) => name.startsWith("caf")));
  });
});

describe("retakeFrozenTree", () => {
  test("equals the frozen tree until one of its files changes; new files do not count", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    appendFileSync(path.join(worktreePath, "a.txt"), "two\n");
    const frozen = await snapshotWorktree(mirrorPath, worktreePath);
    writeFileSync(path.join(worktreePath, "build-output.txt"), "made by a check\n");
    assert.equal(await retakeFrozenTree(mirrorPath, worktreePath, frozen), frozen);
    appendFileSync(path.join(worktreePath, "a.txt"), "three\n");
    const changed = await retakeFrozenTree(mirrorPath, worktreePath, frozen);
    assert.notEqual(changed, frozen);
    assert.deepEqual(await changedPathsBetween(mirrorPath, worktreePath, frozen, changed), ["a.txt"]);
  });

  test("refuses anything but an object id", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    await assert.rejects(retakeFrozenTree(mirrorPath, worktreePath, "--output=/tmp/x"), /not an object id/);
  });
});

describe("commitTree", () => {
  test("commits exactly the given tree, not what the worktree holds now", async () => {
    const { mirrorPath, worktreePath, baseCommit } = await setUp();
    appendFileSync(path.join(worktreePath, "a.txt"), "reviewed\n");
    const tree = await snapshotWorktree(mirrorPath, worktreePath);
    appendFileSync(path.join(worktreePath, "a.txt"), "not reviewed\n");
    writeFileSync(path.join(worktreePath, "late.txt"), "not reviewed\n");
    const commit = await commitTree({ mirrorPath, worktreePath, tree, message: "change", committer });
    assert.ok(commit);
    assert.equal(git(mirrorPath, "rev-parse", `${commit}^{tree}`), tree);
    assert.equal(git(mirrorPath, "rev-parse", `${commit}^`), baseCommit);
    assert.equal(git(mirrorPath, "show", `${commit}:a.txt`), "one\nreviewed");
    assert.ok((await changedFiles(mirrorPath, worktreePath)).includes("late.txt"));
  });

  test("returns undefined when the tree is HEAD's", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    const tree = await snapshotWorktree(mirrorPath, worktreePath);
    assert.equal(await commitTree({ mirrorPath, worktreePath, tree, message: "none", committer }), undefined);
  });
});
