// The GitLab forge with the real gitbeaker client (and Slipway's requester under it) against a
// GitLab double on 127.0.0.1, and real git pushes over smart HTTP into the double's repository.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ForgeError, SlipwayError } from "../../core/errors.ts";
import { type Forge, markSlipwayComment } from "../forge.ts";
import { type ForgeTestRepositories, makeForgeTestRepositories } from "../forge-test-repositories.ts";
import { pullRequestDraft, pushNewCommit, recordingClock, rejectionOf } from "../forge-test-support.ts";
import { createGitlabForge, type GitlabForgeSettings } from "./gitlab-forge.ts";
import { type GitlabDouble, startGitlabDouble } from "./test-double/gitlab-double.ts";

const token = "glpat-doubleToken0123456789";

let repos: ForgeTestRepositories;
let double: GitlabDouble;
const signal = () => AbortSignal.timeout(30_000);

function forge(overrides: Partial<GitlabForgeSettings> = {}): Forge {
  return createGitlabForge({
    token,
    project: "acme/api",
    host: double.host,
    pushUrl: double.pushUrl,
    clock: recordingClock(),
    ...overrides,
  });
}

const pushBranch = (target: Forge, branch: string): Promise<string> => pushNewCommit(target, repos, branch);

describe("GitLab forge", () => {
  before(async () => {
    repos = makeForgeTestRepositories("acme", "api");
    double = await startGitlabDouble({ project: "acme/api", token, projectRoot: repos.projectRoot });
  });
  after(async () => {
    await double.close();
    repos.remove();
  });

  test("pushes with the token and opens a draft merge request with labels and reviewers", async () => {
    const gitlab = forge();
    const sha = await pushBranch(gitlab, "slipway/create");
    assert.equal(await gitlab.remoteBranchSha("slipway/create", signal()), sha);
    const pull = await gitlab.createPullRequest(
      pullRequestDraft("slipway/create", { labels: ["slipway", "bot"], reviewers: ["alice"] }),
      signal(),
    );
    assert.deepEqual(
      { forge: pull.forge, state: pull.state, head: pull.head, headSha: pull.headSha, title: pull.title },
      {
        forge: "gitlab",
        state: "open",
        head: "slipway/create",
        headSha: sha,
        title: "Draft: Slipway: slipway/create",
      },
    );
    const stored = double.state.mergeRequests.find((request) => request.iid === pull.number);
    assert.deepEqual(stored?.labels, ["slipway", "bot"]);
    assert.deepEqual(stored?.reviewerIds, [7]);
    assert.equal(gitlab.repository, "acme/api");
  });

  test("finds a merge request by source branch and updates it, keeping a draft a draft", async () => {
    const gitlab = forge();
    await pushBranch(gitlab, "slipway/update");
    const opened = await gitlab.createPullRequest(pullRequestDraft("slipway/update"), signal());
    assert.equal((await gitlab.findPullRequest("slipway/update", signal()))?.number, opened.number);
    assert.equal(await gitlab.findPullRequest("slipway/none", signal()), undefined);
    const updated = await gitlab.updatePullRequest(
      opened.number,
      { title: "Second try", body: "new body" },
      signal(),
    );
    assert.equal(updated.title, "Draft: Second try");
    assert.equal(
      double.state.mergeRequests.find((request) => request.iid === opened.number)?.description,
      "new body",
    );
  });

  test("409 'another open merge request exists': updates that one instead of failing or duplicating", async () => {
    const gitlab = forge();
    await pushBranch(gitlab, "slipway/exists");
    double.state.mergeRequests.push({
      iid: double.state.mergeRequests.length + 1,
      title: "by a person",
      description: "",
      sourceBranch: "slipway/exists",
      targetBranch: "main",
      state: "opened",
      labels: [],
      reviewerIds: [],
      createdAt: "2026-01-05T09:00:00Z",
    });
    const count = double.state.mergeRequests.length;
    const pull = await gitlab.createPullRequest(
      pullRequestDraft("slipway/exists", { draft: false, title: "Slipway's" }),
      signal(),
    );
    assert.equal(double.state.mergeRequests.length, count);
    assert.equal(pull.number, count);
    assert.equal(pull.title, "Slipway's");
  });

  test("does not reopen a merged or closed merge request", async () => {
    const gitlab = forge();
    await pushBranch(gitlab, "slipway/merged");
    const pull = await gitlab.createPullRequest(pullRequestDraft("slipway/merged"), signal());
    Object.assign(double.state.mergeRequests.find((request) => request.iid === pull.number) ?? {}, {
      state: "merged",
    });
    assert.equal((await gitlab.findPullRequest("slipway/merged", signal()))?.state, "merged");
    const error = await rejectionOf(
      gitlab.updatePullRequest(pull.number, { title: "x", body: "y" }, signal()),
    );
    assert.equal(error.code, "pull_request_closed");
  });

  test("401: a bad token is forge_unauthorized naming GITLAB_TOKEN, for the API and for git", async () => {
    const bad = forge({ token: "glpat-wrong" });
    const apiError = await rejectionOf(bad.findPullRequest("slipway/create", signal()));
    assert.equal(apiError.code, "forge_unauthorized");
    assert.match(apiError.message, /GITLAB_TOKEN/);
    const sha = repos.commitInMirror("slipway/bad", "bad.txt", "bad\n");
    const pushError = await rejectionOf(
      bad.push({
        mirrorPath: repos.mirrorPath,
        branch: "slipway/bad",
        commit: sha,
        expectedRemoteSha: null,
        signal: signal(),
      }),
    );
    assert.equal(pushError.code, "forge_unauthorized");
    assert.equal(repos.hostedHead("slipway/bad"), null);
  });

  test("429 with Retry-After: waits that long, then succeeds; a wait beyond the limit fails at once", async () => {
    const clock = recordingClock();
    double.state.failures.push({
      route: /^GET .*\/merge_requests$/,
      status: 429,
      headers: { "retry-after": "12" },
      body: { message: "Retry later" },
      times: 1,
    });
    assert.equal(await forge({ clock }).findPullRequest("slipway/none", signal()), undefined);
    assert.deepEqual(clock.waits, [12_000]);
    const reset = Math.floor(clock.now() / 1000) + 7200;
    double.state.failures.push({
      route: /^GET .*\/merge_requests$/,
      status: 429,
      headers: { "ratelimit-remaining": "0", "ratelimit-reset": String(reset) },
      body: { message: "Retry later" },
      times: 1,
    });
    const error = await rejectionOf(forge({ clock }).findPullRequest("slipway/none", signal()));
    assert.equal(error.code, "forge_rate_limited");
    assert.equal(clock.waits.length, 1);
  });

  test("checks() reports the latest pipeline's jobs, failures by name, and fetches a job's log", async () => {
    const gitlab = forge();
    const sha = await pushBranch(gitlab, "slipway/checks");
    double.state.pipelines.push({ id: 40, sha, status: "failed" }, { id: 41, sha, status: "failed" });
    double.state.jobs.push(
      { id: 400, pipelineId: 40, name: "stale", status: "failed", allowFailure: false, log: "" },
      { id: 410, pipelineId: 41, name: "build", status: "success", allowFailure: false, log: "" },
      {
        id: 411,
        pipelineId: 41,
        name: "test",
        status: "failed",
        allowFailure: false,
        log: "FAIL test/add.test.js\n",
      },
      { id: 412, pipelineId: 41, name: "audit", status: "failed", allowFailure: true, log: "" },
      { id: 413, pipelineId: 41, name: "deploy", status: "running", allowFailure: false, log: "" },
    );
    const results = await gitlab.checks(sha, signal());
    assert.deepEqual(Object.fromEntries(results.map((result) => [result.name, result.state])), {
      build: "success",
      test: "failure",
      audit: "success",
      deploy: "pending",
    });
    const failing = results.find((result) => result.name === "test") ?? assert.fail("no test job");
    assert.match(await gitlab.checkLog(failing, signal()), /FAIL test\/add\.test\.js/);
    assert.deepEqual(await gitlab.checks("f".repeat(40), signal()), []);
  });

  test("comments() lists people's notes oldest first without system notes; comment() posts one", async () => {
    const gitlab = forge();
    await pushBranch(gitlab, "slipway/notes");
    const pull = await gitlab.createPullRequest(pullRequestDraft("slipway/notes"), signal());
    double.state.notes.push(
      {
        id: 91,
        iid: pull.number,
        body: "/slipway use a map",
        author: "alice",
        createdAt: "2026-01-04T10:00:20Z",
        system: false,
      },
      {
        id: 90,
        iid: pull.number,
        body: "added 1 commit",
        author: "slipway-bot",
        createdAt: "2026-01-04T10:00:10Z",
        system: true,
      },
      {
        id: 89,
        iid: pull.number,
        body: "Nice.",
        author: "bob",
        createdAt: "2026-01-04T10:00:05Z",
        system: false,
      },
    );
    await gitlab.comment(pull.number, "On it.", signal());
    const comments = await gitlab.comments(pull.number, signal());
    assert.deepEqual(
      comments.map((comment) => [comment.id, comment.author, comment.body]),
      [
        ["note:89", "bob", "Nice."],
        ["note:91", "alice", "/slipway use a map"],
        [comments.at(-1)?.id, "slipway-bot", markSlipwayComment("On it.")],
      ],
    );
    assert.equal(comments.at(-1)?.authorId, (await gitlab.selfAccount(signal()))?.id);
  });

  test("knows the token's own account, and who is a member with the Developer role or above", async () => {
    const gitlab = forge();
    assert.deepEqual(await gitlab.selfAccount(signal()), { login: "slipway-bot", id: "2" });
    assert.equal(await gitlab.hasWriteAccess({ login: "alice", id: "7" }, signal()), true, "Maintainer");
    assert.equal(await gitlab.hasWriteAccess({ login: "mallory", id: "8" }, signal()), false, "no member");
    double.state.members.set(8, 20);
    assert.equal(await gitlab.hasWriteAccess({ login: "mallory", id: "8" }, signal()), false, "Reporter");
    double.state.members.set(8, 30);
    assert.equal(await gitlab.hasWriteAccess({ login: "mallory", id: "8" }, signal()), true, "Developer");
    double.state.members.delete(8);
    assert.equal(
      await gitlab.hasWriteAccess({ login: "alice" }, signal()),
      false,
      "no id: not looked up by name",
    );
  });

  test("commentOnIssue() posts on the project's issue; a missing issue is a ForgeError, nothing posted", async () => {
    const gitlab = forge();
    assert.equal(gitlab.pullRequestReference(3), "!3", "a merge request, not issue #3");
    double.state.issues.push({ iid: 12, notes: [] });
    await gitlab.commentOnIssue?.(12, "Slipway opened !3 for this issue.", signal());
    assert.deepEqual(double.state.issues.find((issue) => issue.iid === 12)?.notes, [
      markSlipwayComment("Slipway opened !3 for this issue."),
    ]);
    const missing = await rejectionOf(gitlab.commentOnIssue!(404, "lost", signal()));
    assert.ok(missing instanceof ForgeError, String(missing));
    assert.match(missing.message, /found nothing at .*issues\/404\/notes \(404 /);
  });

  test("a numeric project id without a push URL is forge_not_configured", () => {
    assert.throws(
      () => createGitlabForge({ token, project: "1234", host: double.host }),
      (error: unknown) => SlipwayError.isInstance(error) && error.code === "forge_not_configured",
    );
  });
});
