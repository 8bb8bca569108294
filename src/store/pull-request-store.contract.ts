// The pull-request part of the Store contract (store.contract.ts runs it against every store):
// records, numbers, upserts, comments and branch-push leases.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SlipwayError } from "../core/errors.ts";
import type { NewPullRequest } from "./pull-request-store.ts";
import type { Store } from "./store.ts";
import { makeRun, makeTask } from "./store-fixtures.ts";

function newPullRequest(overrides: Partial<NewPullRequest> = {}): NewPullRequest {
  return {
    forge: "local",
    repository: "/srv/remotes/example.git",
    url: "file:///srv/remotes/example.git#slipway/abc",
    head: "slipway/abc",
    base: "main",
    headSha: "a".repeat(40),
    state: "open",
    reviewState: "open",
    title: "Make slugify trim dashes",
    body: "## Task\n> Make slugify trim dashes.",
    ...overrides,
  };
}

async function storedRunId(store: Store): Promise<string> {
  const task = makeTask();
  await store.createTask(task);
  const run = makeRun(task, 1);
  await store.createRun(run);
  return run.id;
}

const isStoreError = (code?: string) => (error: unknown) =>
  SlipwayError.isInstance(error) &&
  error.name === "StoreError" &&
  (code === undefined || error.code === code);

export function pullRequestCases(current: () => Store): void {
  test("a task's key reads back; a task without one reads back without one", async () => {
    const store = current();
    const keyed = makeTask({ key: "JIRA-123" });
    const plain = makeTask();
    await store.createTask(keyed);
    await store.createTask(plain);
    assert.deepEqual(await store.getTask(keyed.id), keyed);
    assert.equal("key" in ((await store.getTask(plain.id)) ?? {}), false);
  });

  test("created pull requests get the forge's next number and read back equal", async () => {
    const store = current();
    const first = await store.createPullRequest(newPullRequest());
    const second = await store.createPullRequest(
      newPullRequest({ repository: "/other.git", head: "slipway/b" }),
    );
    const github = await store.createPullRequest(
      newPullRequest({ forge: "github", repository: "o/r", number: 77 }),
    );
    assert.deepEqual([first.number, second.number, github.number], [1, 2, 77]);
    assert.equal(first.createdAt, first.updatedAt);
    assert.deepEqual(await store.getPullRequest(first), first);
    assert.deepEqual(await store.getPullRequest({ forge: "github", repository: "o/r", number: 77 }), github);
    await assert.rejects(store.createPullRequest(newPullRequest({ number: 1 })), isStoreError());
  });

  test("listPullRequests filters by forge, repository, head and number, newest first", async () => {
    const store = current();
    const a = await store.createPullRequest(newPullRequest({ head: "slipway/a" }));
    const b = await store.createPullRequest(newPullRequest({ head: "slipway/b" }));
    await store.createPullRequest(newPullRequest({ forge: "github", repository: "o/r", number: 5 }));
    const numbers = (list: { number: number }[]) => list.map((record) => record.number);
    assert.deepEqual(numbers(await store.listPullRequests({ forge: "local", limit: 10 })), [
      b.number,
      a.number,
    ]);
    assert.deepEqual(numbers(await store.listPullRequests({ head: "slipway/a", limit: 10 })), [a.number]);
    assert.deepEqual(numbers(await store.listPullRequests({ number: 5, limit: 10 })), [5]);
    assert.equal((await store.listPullRequests({ limit: 2 })).length, 2);
    assert.deepEqual(await store.listPullRequests({ repository: "nowhere", limit: 10 }), []);
  });

  test("savePullRequest inserts, then updates keeping createdAt and the links it leaves unset", async () => {
    const store = current();
    const runId = await storedRunId(store);
    const { reviewState: _reviewState, ...fromGithub } = newPullRequest({
      forge: "github",
      repository: "o/r",
    });
    const inserted = await store.savePullRequest({ ...fromGithub, number: 9, runId, taskKey: "k1" });
    assert.equal(inserted.runId, runId);
    const updated = await store.savePullRequest({ ...fromGithub, number: 9, headSha: "b".repeat(40) });
    assert.equal(updated.headSha, "b".repeat(40));
    assert.equal(updated.runId, runId);
    assert.equal(updated.taskKey, "k1");
    assert.equal(updated.createdAt, inserted.createdAt);
    assert.equal(updated.reviewState, undefined);
  });

  test("updatePullRequest changes only the given fields; an unknown key is not_found", async () => {
    const store = current();
    const created = await store.createPullRequest(newPullRequest());
    const approved = await store.updatePullRequest(created, { reviewState: "approved", title: undefined });
    assert.deepEqual({ ...approved, updatedAt: created.updatedAt }, { ...created, reviewState: "approved" });
    await assert.rejects(
      store.updatePullRequest({ ...created, number: 999 }, { state: "closed" }),
      isStoreError("not_found"),
    );
  });

  test("comments list back oldest first; a comment on an unknown pull request is refused", async () => {
    const store = current();
    const created = await store.createPullRequest(newPullRequest());
    const first = await store.addPullRequestComment(created, { author: "ada", body: "/slipway add a test" });
    await store.addPullRequestComment(created, { author: "slipway", body: "done" });
    const comments = await store.listPullRequestComments(created);
    assert.deepEqual(
      comments.map((comment) => [comment.author, comment.body]),
      [
        ["ada", "/slipway add a test"],
        ["slipway", "done"],
      ],
    );
    assert.deepEqual(comments[0], first);
    await assert.rejects(
      store.addPullRequestComment({ ...created, number: 999 }, { author: "a", body: "b" }),
      isStoreError("not_found"),
    );
  });

  test("the last branch push is per forge, repository and branch, and a new push replaces it", async () => {
    const store = current();
    const runId = await storedRunId(store);
    const key = { forge: "local", repository: "/r.git", branch: "slipway/k" };
    assert.equal(await store.lastBranchPush(key), undefined);
    await store.recordBranchPush({ ...key, sha: "a".repeat(40), runId });
    await store.recordBranchPush({ ...key, sha: "b".repeat(40), runId });
    await store.recordBranchPush({ ...key, branch: "slipway/other", sha: "c".repeat(40), runId });
    const last = await store.lastBranchPush(key);
    assert.equal(last?.sha, "b".repeat(40));
    assert.equal(last?.runId, runId);
    assert.equal(await store.lastBranchPush({ ...key, forge: "github" }), undefined);
  });

  test("one open pull request per branch: a second is refused with StoreConflictError naming the first", async () => {
    const store = current();
    const first = await store.createPullRequest(newPullRequest());
    await assert.rejects(store.createPullRequest(newPullRequest()), (error: Error) => {
      assert.equal(error.name, "StoreConflictError");
      assert.match(
        error.message,
        new RegExp(`already has an open pull request \\(pull request #${first.number}\\)`),
      );
      return true;
    });
    // Other branches, repositories and forges are not affected; a closed one does not count.
    await store.createPullRequest(newPullRequest({ head: "slipway/other" }));
    await store.createPullRequest(newPullRequest({ repository: "/other.git" }));
    await store.updatePullRequest(first, { state: "closed" });
    const next = await store.createPullRequest(newPullRequest());
    await assert.rejects(store.updatePullRequest(first, { state: "open" }), (error: Error) => {
      assert.equal(error.name, "StoreConflictError");
      return true;
    });
    assert.equal((await store.getPullRequest(next))?.state, "open");
  });

  test("creates racing for one branch: exactly one opens, the others get StoreConflictError", async () => {
    const store = current();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => store.createPullRequest(newPullRequest({ head: "slipway/race" }))),
    );
    assert.equal(results.filter((result) => result.status === "fulfilled").length, 1);
    for (const result of results) {
      if (result.status === "rejected") assert.equal((result.reason as Error).name, "StoreConflictError");
    }
  });

  test("savePullRequest of an open record from the forge closes older open records of its branch", async () => {
    const store = current();
    const { reviewState: _reviewState, ...fromGithub } = newPullRequest({
      forge: "github",
      repository: "o/r",
    });
    await store.savePullRequest({ ...fromGithub, number: 3 });
    await store.savePullRequest({ ...fromGithub, number: 4 });
    const key = { forge: "github", repository: "o/r" };
    assert.equal((await store.getPullRequest({ ...key, number: 3 }))?.state, "closed");
    assert.equal((await store.getPullRequest({ ...key, number: 4 }))?.state, "open");
    // Saving the open one again changes nothing about the other.
    await store.savePullRequest({ ...fromGithub, number: 4, title: "retitled" });
    assert.equal((await store.getPullRequest({ ...key, number: 3 }))?.state, "closed");
  });
}
