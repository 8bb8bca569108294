// Regression test: a mirror fetch racing other runs' worktree adds and removes on the same mirror
// (issue 14: the fetch failed with "bad object worktrees/worktreeN/HEAD" at six concurrent runs).
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { ensureMirror } from "./mirror-cache.ts";
import { createWorktree, removeWorktree } from "./worktree.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Fetches of a new source commit each, while loops of worktree adds and removes keep running. */
const fetches = 10;
const churners = 4;
/** Bounds each churner's loop should the fetches hang. */
const maxChurnsEach = 40;

async function addAndRemove(mirrorPath: string, dataDir: string, name: string): Promise<void> {
  const worktreePath = path.join(dataDir, "worktrees", name);
  await createWorktree({ mirrorPath, baseRef: "HEAD", branch: `slipway/${name}`, worktreePath });
  await removeWorktree(mirrorPath, worktreePath);
}

test("mirror fetches never fail while other runs add and remove worktrees on the same mirror", async () => {
  const source = makeRepo({ "a.txt": "0\n" });
  const dataDir = tempDir("race");
  created.push(source, dataDir);
  const { mirrorPath } = await ensureMirror(source, dataDir);
  let fetching = true;
  const fetchAll = async (): Promise<void> => {
    try {
      for (let round = 0; round < fetches; round += 1) {
        writeFileSync(path.join(source, "a.txt"), `round ${round}\n`);
        git(source, "commit", "--quiet", "-am", `round ${round}`);
        await ensureMirror(source, dataDir);
      }
    } finally {
      fetching = false;
    }
  };
  const churn = async (churner: number): Promise<void> => {
    for (let index = 0; fetching && index < maxChurnsEach; index += 1) {
      await addAndRemove(mirrorPath, dataDir, `c${churner}n${index}`);
    }
  };
  const work = [fetchAll(), ...Array.from({ length: churners }, (_, churner) => churn(churner))];
  const failures = (await Promise.allSettled(work)).filter((result) => result.status === "rejected");
  assert.deepEqual(
    failures.map((failure) => String((failure as PromiseRejectedResult).reason)),
    [],
  );
  assert.equal(git(mirrorPath, "rev-parse", "HEAD"), git(source, "rev-parse", "HEAD"));
});
