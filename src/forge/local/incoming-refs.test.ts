// Pushes killed mid-way leave refs/slipway-incoming/* in the user's repository; the next push to it
// removes those older than any live push (and the old pid-named ones), never a fresh one.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { git, makeRepo, tempDir } from "../../../test/helpers/git-fixture.ts";
import { openSqliteStore } from "../../store/sqlite/sqlite-store.ts";
import { openLocalForge } from "./local-forge.ts";

const cleanups: string[] = [];
after(() => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

test("the next push sweeps incoming refs a dead push left, and keeps a live push's", async () => {
  const mirror = makeRepo({ "a.txt": "one\n" });
  const root = tempDir("incoming");
  const dataDir = tempDir("incoming-data");
  cleanups.push(mirror, root, dataDir);
  const remote = path.join(root, "remote.git");
  git(root, "init", "--quiet", "--bare", remote);
  const commit = git(mirror, "rev-parse", "HEAD").trim();
  git(mirror, "push", "--quiet", remote, `${commit}:refs/heads/main`);
  const dayAgo = Date.now() - 24 * 60 * 60_000;
  const stale = [
    `refs/slipway-incoming/${dayAgo}-4242-0123abcdef01`,
    "refs/slipway-incoming/4242-0123abcdef01",
  ];
  const live = `refs/slipway-incoming/${Date.now()}-4243-0123abcdef02`;
  for (const ref of [...stale, live]) git(remote, "update-ref", ref, commit);

  git(mirror, "branch", "slipway/task", commit);
  const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
  try {
    const forge = await openLocalForge(remote, store);
    await forge.push({
      mirrorPath: mirror,
      branch: "slipway/task",
      commit,
      expectedRemoteSha: null,
      signal: AbortSignal.timeout(60_000),
    });
  } finally {
    await store.close();
  }
  const left = git(remote, "for-each-ref", "--format=%(refname)", "refs/slipway-incoming/")
    .trim()
    .split("\n");
  assert.deepEqual(left, [live]);
});
