// Tests for the local forge with real git repositories and a real SQLite store: force-with-lease
// pushes that never run the remote's hooks, refusals that change nothing, and review requests.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../../test/helpers/git-fixture.ts";
import { ForgeConfig } from "../../config/config-schema.ts";
import { SlipwayError } from "../../core/errors.ts";
import { openSqliteStore } from "../../store/sqlite/sqlite-store.ts";
import type { Store } from "../../store/store.ts";
import { markSlipwayComment } from "../forge.ts";
import { createLocalForge, type LocalForge, openLocalForge } from "./local-forge.ts";
import { approveLocalReview, closeLocalReview } from "./local-review.ts";

const branch = "slipway/task-1";
const signal = new AbortController().signal;
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function forgeError(code: string, message?: RegExp) {
  return (error: unknown) =>
    SlipwayError.isInstance(error) &&
    error.name === "ForgeError" &&
    error.code === code &&
    (message === undefined || message.test(error.message));
}

/** A repository standing in for the mirror, whose `branch` gets a new commit on main each call. */
function commitOnBranch(mirror: string, content: string): string {
  git(mirror, "checkout", "--quiet", "-B", branch, "main");
  writeFileSync(path.join(mirror, "change.txt"), content);
  git(mirror, "add", "-A");
  git(mirror, "commit", "--quiet", "-m", content);
  const sha = git(mirror, "rev-parse", "HEAD");
  git(mirror, "checkout", "--quiet", "main");
  return sha;
}

/** A bare remote whose every hook would leave a marker file if git ran it. */
function bareRemoteWithHooks(): { remote: string; markers: string } {
  const root = tempDir("forge-remote");
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const remote = path.join(root, "remote.git");
  const markers = path.join(root, "markers");
  mkdirSync(markers);
  git(root, "init", "--quiet", "--bare", remote);
  for (const hook of [
    "pre-receive",
    "update",
    "post-receive",
    "post-update",
    "reference-transaction",
    "push-to-checkout",
  ]) {
    const file = path.join(remote, "hooks", hook);
    writeFileSync(file, `#!/bin/sh\ntouch "${markers}/${hook}"\n`);
    chmodSync(file, 0o755);
  }
  return { remote, markers };
}

async function setUp(): Promise<{
  mirror: string;
  remote: string;
  markers: string;
  store: Store;
  forge: LocalForge;
}> {
  const mirror = makeRepo({ "a.txt": "one\n" });
  const dataDir = tempDir("forge-data");
  const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
  cleanups.push(async () => {
    await store.close();
    rmSync(mirror, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });
  const { remote, markers } = bareRemoteWithHooks();
  return { mirror, remote, markers, store, forge: await openLocalForge(remote, store) };
}

function push(forge: LocalForge, mirror: string, commit: string, expectedRemoteSha: string | null) {
  return forge.push({ mirrorPath: mirror, branch, commit, expectedRemoteSha, signal });
}

const draft = {
  head: branch,
  base: "main",
  title: "Task one",
  body: "body",
  draft: true,
  labels: [],
  reviewers: [],
};

describe("local forge pushes", () => {
  test("creates the branch in a bare remote, then moves it only under the lease, running none of its hooks", async () => {
    const { mirror, remote, markers, forge } = await setUp();
    const first = commitOnBranch(mirror, "first");
    await push(forge, mirror, first, null);
    assert.equal(git(remote, "rev-parse", `refs/heads/${branch}`), first);
    const second = commitOnBranch(mirror, "second");
    // Not a fast-forward (both commits sit on main): the lease is what allows it.
    await push(forge, mirror, second, first);
    assert.equal(await forge.remoteBranchSha(branch, signal), second);
    assert.equal(git(remote, "for-each-ref", "refs/slipway-incoming/"), "", "no temporary ref is left");
    assert.deepEqual(readdirSync(markers), [], "no hook of the remote ran");
    // The hooks are live: a plain `git push` into the same remote runs them.
    git(mirror, "push", "--quiet", remote, `${second}:refs/heads/plain`);
    assert.ok(readdirSync(markers).includes("pre-receive"));
  });

  test("refuses a branch someone else moved, and one Slipway never pushed, overwriting nothing", async () => {
    const { mirror, remote, forge } = await setUp();
    const ours = commitOnBranch(mirror, "ours");
    await push(forge, mirror, ours, null);
    const theirs = commitOnBranch(mirror, "theirs");
    // A person pushes their own commit onto the branch.
    git(mirror, "push", "--quiet", "--force", remote, `${theirs}:refs/heads/${branch}`);
    const next = commitOnBranch(mirror, "next");
    await assert.rejects(
      push(forge, mirror, next, ours),
      forgeError("push_rejected", /someone else committed to it; nothing was overwritten/),
    );
    await assert.rejects(
      push(forge, mirror, next, null),
      forgeError("push_rejected", /already exists .* Slipway did not push it/),
    );
    assert.equal(git(remote, "rev-parse", `refs/heads/${branch}`), theirs);
  });

  test("refuses a branch checked out in a checkout remote, leaving its work tree alone", async () => {
    const { mirror, store } = await setUp();
    const checkout = makeRepo({ "a.txt": "one\n" });
    cleanups.push(() => rmSync(checkout, { recursive: true, force: true }));
    const forge = await openLocalForge(checkout, store);
    const first = commitOnBranch(mirror, "first");
    await push(forge, mirror, first, null);
    git(checkout, "checkout", "--quiet", branch);
    const second = commitOnBranch(mirror, "second");
    await assert.rejects(
      push(forge, mirror, second, first),
      forgeError("push_rejected", /is checked out in/),
    );
    assert.equal(git(checkout, "rev-parse", "HEAD"), first);
  });

  test("a remote that is missing, not a repository, or inside one is refused as not configured", async () => {
    const { store } = await setUp();
    const repo = makeRepo({ "a.txt": "one\n" });
    cleanups.push(() => rmSync(repo, { recursive: true, force: true }));
    mkdirSync(path.join(repo, "sub"));
    await assert.rejects(
      openLocalForge(path.join(repo, "missing"), store),
      forgeError("forge_not_configured", /does not exist/),
    );
    await assert.rejects(
      openLocalForge(path.join(repo, "sub"), store),
      forgeError("forge_not_configured", /not a git repository/),
    );
    const settings = ForgeConfig.parse({});
    await assert.rejects(
      createLocalForge({ settings, source: "https://example.com/a/b.git", store, env: {} }),
      forgeError("forge_not_configured", /set forge.remote/),
    );
  });
});

describe("local forge review requests", () => {
  test("one request per branch: found again, updated with the new head, approval withdrawn by a new head", async () => {
    const { mirror, store, forge } = await setUp();
    const first = commitOnBranch(mirror, "first");
    await push(forge, mirror, first, null);
    const opened = await forge.createPullRequest(draft, signal);
    assert.equal(opened.headSha, first);
    assert.deepEqual(await forge.findPullRequest(branch, signal), opened);
    assert.equal((await approveLocalReview(store, opened.number)).reviewState, "approved");

    const second = commitOnBranch(mirror, "second");
    await push(forge, mirror, second, first);
    const updated = await forge.updatePullRequest(
      opened.number,
      { title: "Task one", body: "new body" },
      signal,
    );
    assert.equal(updated.number, opened.number);
    assert.equal(updated.headSha, second);
    const stored = await store.getPullRequest({
      forge: "local",
      repository: forge.repository,
      number: opened.number,
    });
    assert.equal(stored?.reviewState, "open");
    assert.equal(stored?.body, "new body");
    assert.equal((await store.listPullRequests({ limit: 10 })).length, 1);
  });

  test("a closed request is not updated, cannot be approved, and has no CI; comments are kept", async () => {
    const { mirror, store, forge } = await setUp();
    await push(forge, mirror, commitOnBranch(mirror, "first"), null);
    const opened = await forge.createPullRequest(draft, signal);
    await forge.comment(opened.number, "follow-up report");
    assert.deepEqual(
      (await forge.comments(opened.number, signal)).map((comment) => [comment.author, comment.body]),
      [["slipway[bot]", markSlipwayComment("follow-up report")]],
    );
    assert.deepEqual(await forge.selfAccount(signal), { login: "slipway[bot]" });
    assert.deepEqual(await forge.checks(opened.headSha, signal), []);
    await closeLocalReview(store, opened.number);
    await assert.rejects(
      forge.updatePullRequest(opened.number, { title: "t", body: "b" }, signal),
      forgeError("pull_request_closed", /Slipway does not reopen it/),
    );
    await assert.rejects(approveLocalReview(store, opened.number), /only an open one can be approved/);
    assert.equal((await forge.findPullRequest(branch, signal))?.state, "closed");
  });

  test("a request needs its branch pushed first", async () => {
    const { forge } = await setUp();
    await assert.rejects(
      forge.createPullRequest(draft, signal),
      forgeError("forge_failed", /push it before/),
    );
  });
});
