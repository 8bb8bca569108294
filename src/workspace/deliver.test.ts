// Tests for deliverBranch: the run's branch appears in the local source, and a checked-out branch is never touched.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { checkedOutBranches, deliverBranch } from "./deliver.ts";
import { ensureMirror } from "./mirror-cache.ts";
import { commitAll, createWorktree, removeWorktree } from "./worktree.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const committer = { name: "Slipway", email: "slipway@localhost" };
const branch = "slipway/abc12345";

async function runOnce(
  source: string,
  dataDir: string,
  content: string,
  run: string,
): Promise<{ mirrorPath: string; commit: string }> {
  const { mirrorPath } = await ensureMirror(source, dataDir);
  const worktreePath = path.join(dataDir, "worktrees", run);
  await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
  writeFileSync(path.join(worktreePath, "a.txt"), content);
  const commit = await commitAll({ mirrorPath, worktreePath, message: `run ${run}`, committer });
  assert.ok(commit);
  await removeWorktree(mirrorPath, worktreePath);
  return { mirrorPath, commit };
}

function setUp(): { source: string; dataDir: string } {
  const source = makeRepo({ "a.txt": "one\n" });
  const dataDir = tempDir("data");
  created.push(source, dataDir);
  return { source, dataDir };
}

describe("deliverBranch", () => {
  test("makes the run's branch visible in the source repository, and updates it on the next run", async () => {
    const { source, dataDir } = setUp();
    const first = await runOnce(source, dataDir, "first\n", "run_1");
    await deliverBranch({ mirrorPath: first.mirrorPath, branch, sourcePath: source });
    assert.equal(git(source, "rev-parse", `refs/heads/${branch}`), first.commit);

    const second = await runOnce(source, dataDir, "second\n", "run_2");
    await deliverBranch({ mirrorPath: second.mirrorPath, branch, sourcePath: source });
    assert.equal(git(source, "rev-parse", `refs/heads/${branch}`), second.commit);
    assert.equal(
      git(source, "symbolic-ref", "HEAD"),
      "refs/heads/main",
      "the source's checkout is untouched",
    );
  });

  test("refuses when the branch is checked out in the source, leaving it as it was", async () => {
    const { source, dataDir } = setUp();
    const first = await runOnce(source, dataDir, "first\n", "run_1");
    await deliverBranch({ mirrorPath: first.mirrorPath, branch, sourcePath: source });
    git(source, "checkout", "--quiet", branch);
    const second = await runOnce(source, dataDir, "second\n", "run_2");

    await assert.rejects(
      deliverBranch({ mirrorPath: second.mirrorPath, branch, sourcePath: source }),
      new RegExp(`branch ${branch} is checked out in ${source}; switch that checkout`),
    );
    assert.equal(git(source, "rev-parse", "HEAD"), first.commit);
    assert.equal(git(source, "status", "--porcelain"), "");
  });
});

describe("checkedOutBranches", () => {
  test("reads the branch of every worktree and skips detached ones", () => {
    const porcelain =
      "worktree /a\nHEAD 1111\nbranch refs/heads/main\n\nworktree /b\nHEAD 2222\ndetached\n\n";
    assert.deepEqual(checkedOutBranches(porcelain), ["refs/heads/main"]);
  });
});
