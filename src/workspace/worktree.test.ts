// Tests for worktrees of a mirror: creation at the base ref, unknown refs, changes, commits and removal.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { SlipwayError } from "../core/errors.ts";
import { ensureMirror } from "./mirror-cache.ts";
import { changedFiles, commitAll, createWorktree, removeWorktree } from "./worktree.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const committer = { name: "Slipway", email: "slipway@localhost" };
const branch = "slipway/abc12345";

async function setUp(): Promise<{
  source: string;
  mirrorPath: string;
  worktreePath: string;
  dataDir: string;
}> {
  const source = makeRepo({ "a.txt": "one\n", "b.txt": "two\n", ".gitignore": "*.log\n" });
  const dataDir = tempDir("data");
  created.push(source, dataDir);
  const { mirrorPath } = await ensureMirror(source, dataDir);
  return { source, mirrorPath, dataDir, worktreePath: path.join(dataDir, "worktrees", "run_1") };
}

function branchesOf(mirrorPath: string): string[] {
  return git(mirrorPath, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
    .split("\n")
    .filter(Boolean);
}

describe("createWorktree", () => {
  test("checks out the base commit on branch slipway/<short-id>", async () => {
    const { source, mirrorPath, worktreePath } = await setUp();
    const { baseCommit } = await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    assert.equal(baseCommit, git(source, "rev-parse", "main"));
    assert.equal(git(worktreePath, "rev-parse", "HEAD"), baseCommit);
    assert.equal(git(worktreePath, "symbolic-ref", "HEAD"), `refs/heads/${branch}`);
    assert.deepEqual(readdirSync(worktreePath).sort(), [".git", ".gitignore", "a.txt", "b.txt"]);
  });

  test("accepts a tag and a commit sha as base ref", async () => {
    const { source, mirrorPath, dataDir } = await setUp();
    const first = git(source, "rev-parse", "HEAD");
    git(source, "tag", "-a", "v1", "-m", "v1");
    writeFileSync(path.join(source, "a.txt"), "changed\n");
    git(source, "commit", "--quiet", "-am", "second");
    await ensureMirror(source, dataDir);
    const byTag = await createWorktree({
      mirrorPath,
      baseRef: "v1",
      branch: "slipway/tag00001",
      worktreePath: path.join(dataDir, "t"),
    });
    const bySha = await createWorktree({
      mirrorPath,
      baseRef: first,
      branch: "slipway/sha00001",
      worktreePath: path.join(dataDir, "s"),
    });
    assert.equal(byTag.baseCommit, first);
    assert.equal(bySha.baseCommit, first);
  });

  test("an unknown ref fails as ref_unknown naming the ref, the repo and its branches, leaving nothing behind", async () => {
    const { source, mirrorPath, worktreePath } = await setUp();
    await assert.rejects(
      createWorktree({ mirrorPath, baseRef: "no-such-branch", branch, worktreePath }),
      (error: unknown) => {
        assert.ok(SlipwayError.isInstance(error));
        assert.equal(error.code, "ref_unknown");
        assert.ok(error.message.includes('"no-such-branch"'), error.message);
        assert.ok(error.message.includes(source), error.message);
        assert.match(error.message, /branches there include main$/);
        return true;
      },
    );
    assert.equal(existsSync(worktreePath), false);
    assert.deepEqual(branchesOf(mirrorPath), ["main"]);
    assert.equal(existsSync(path.join(mirrorPath, "worktrees")), false);
  });

  test("a full id that names no commit, or a bad branch name with a full id, fails as before the fast path", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    const blob = git(mirrorPath, "rev-parse", "HEAD:a.txt");
    for (const baseRef of [blob, "0".repeat(40)]) {
      await assert.rejects(
        createWorktree({ mirrorPath, baseRef, branch, worktreePath }),
        (error: unknown) => {
          assert.ok(SlipwayError.isInstance(error));
          assert.equal(error.code, "ref_unknown", error.message);
          return true;
        },
      );
    }
    const head = git(mirrorPath, "rev-parse", "HEAD");
    await assert.rejects(
      createWorktree({ mirrorPath, baseRef: head, branch: "slipway/bad..name", worktreePath }),
      /not a valid branch name/,
    );
    assert.equal(existsSync(worktreePath), false);
    assert.deepEqual(branchesOf(mirrorPath), ["main"]);
  });

  test("running the same task again resets its branch to the new base", async () => {
    const { source, mirrorPath, dataDir, worktreePath } = await setUp();
    await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    writeFileSync(path.join(worktreePath, "a.txt"), "agent\n");
    await commitAll({ mirrorPath, worktreePath, message: "first attempt", committer });
    await removeWorktree(mirrorPath, worktreePath);
    writeFileSync(path.join(source, "b.txt"), "upstream\n");
    git(source, "commit", "--quiet", "-am", "upstream change");
    await ensureMirror(source, dataDir);

    const { baseCommit } = await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });

    assert.equal(baseCommit, git(source, "rev-parse", "main"));
    assert.equal(git(mirrorPath, "rev-parse", branch), baseCommit);
  });
});

describe("changedFiles", () => {
  test("lists modified, deleted and untracked files but not ignored ones", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    await createWorktree({ mirrorPath, baseRef: "HEAD", branch, worktreePath });
    assert.deepEqual(await changedFiles(mirrorPath, worktreePath), []);
    writeFileSync(path.join(worktreePath, "a.txt"), "edited\n");
    unlinkSync(path.join(worktreePath, "b.txt"));
    mkdirSync(path.join(worktreePath, "new dir"));
    writeFileSync(path.join(worktreePath, "new dir", "c é.txt"), "new\n");
    writeFileSync(path.join(worktreePath, "debug.log"), "ignored\n");
    assert.deepEqual(await changedFiles(mirrorPath, worktreePath), ["a.txt", "b.txt", "new dir/c é.txt"]);
  });
});

describe("commitAll", () => {
  test("returns undefined and makes no commit when nothing changed", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    const { baseCommit } = await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    writeFileSync(path.join(worktreePath, "only.log"), "ignored\n");
    assert.equal(await commitAll({ mirrorPath, worktreePath, message: "nothing", committer }), undefined);
    assert.equal(git(mirrorPath, "rev-parse", branch), baseCommit);
  });

  test("commits every change with the given author, committer and exact message", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    const { baseCommit } = await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    writeFileSync(path.join(worktreePath, "a.txt"), "edited\n");
    unlinkSync(path.join(worktreePath, "b.txt"));
    writeFileSync(path.join(worktreePath, "c.txt"), "new\n");
    const message = "Add c\n\nBody line.\n\nSlipway-Run: run_1\nCo-authored-by: Someone <s@example.invalid>";
    const author = { name: "Ada Lovelace", email: "ada@example.invalid" };

    const sha = await commitAll({ mirrorPath, worktreePath, message, author, committer });

    assert.ok(sha);
    assert.equal(git(mirrorPath, "rev-parse", branch), sha);
    assert.equal(git(mirrorPath, "rev-parse", `${sha}^`), baseCommit);
    const show = (format: string) => git(mirrorPath, "log", "-1", `--format=${format}`, sha);
    assert.equal(show("%an <%ae>"), "Ada Lovelace <ada@example.invalid>");
    assert.equal(show("%cn <%ce>"), "Slipway <slipway@localhost>");
    assert.equal(show("%B"), message);
    assert.equal(show("%(trailers:key=Slipway-Run,valueonly)"), "run_1");
    assert.equal(git(mirrorPath, "diff", "--name-only", baseCommit, sha), "a.txt\nb.txt\nc.txt");
    assert.deepEqual(await changedFiles(mirrorPath, worktreePath), []);
  });
});

describe("removeWorktree", () => {
  test("removes the directory and the registration, and a second call does nothing", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    await removeWorktree(mirrorPath, worktreePath);
    await removeWorktree(mirrorPath, worktreePath);
    assert.equal(existsSync(worktreePath), false);
    assert.equal(existsSync(path.join(mirrorPath, "worktrees")), false);
    assert.deepEqual(branchesOf(mirrorPath).sort(), ["main", branch], "the branch stays");
  });

  test("cleans up the registration when the directory was already deleted", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    rmSync(worktreePath, { recursive: true, force: true });
    await removeWorktree(mirrorPath, worktreePath);
    assert.equal(git(mirrorPath, "worktree", "list", "--porcelain").includes(worktreePath), false);
    await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    assert.equal(
      existsSync(path.join(worktreePath, "a.txt")),
      true,
      "the same path and branch can be used again",
    );
  });

  test("removes a worktree in which the agent made directories read-only", async () => {
    const { mirrorPath, worktreePath } = await setUp();
    await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    mkdirSync(path.join(worktreePath, "locked"));
    writeFileSync(path.join(worktreePath, "locked", "f.txt"), "x\n");
    chmodSync(path.join(worktreePath, "locked"), 0o500);
    await removeWorktree(mirrorPath, worktreePath);
    assert.equal(existsSync(worktreePath), false);
  });

  test("leaves alone a directory that is not a worktree of the mirror", async () => {
    const { mirrorPath, dataDir } = await setUp();
    const other = path.join(dataDir, "not-a-worktree");
    mkdirSync(other);
    await removeWorktree(mirrorPath, other);
    assert.equal(existsSync(other), true);
  });
});
