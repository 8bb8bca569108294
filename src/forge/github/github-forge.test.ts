// The GitHub forge with the real Octokit client against a GitHub double on 127.0.0.1 whose every
// request and response is checked against GitHub's OpenAPI description, and real git pushes over
// smart HTTP into the double's bare repository.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { SlipwayError } from "../../core/errors.ts";
import { type Forge, markSlipwayComment } from "../forge.ts";
import { type ForgeTestRepositories, makeForgeTestRepositories } from "../forge-test-repositories.ts";
import { pullRequestDraft, pushNewCommit, recordingClock, rejectionOf } from "../forge-test-support.ts";
import { createGithubForge, defaultGithubPushUrl, type GithubForgeSettings } from "./github-forge.ts";
import { type GithubDouble, servedOperations, startGithubDouble } from "./test-double/github-double.ts";
import { createGithubOpenApi } from "./test-double/openapi-validator.ts";

const token = "ghp_doubleToken0123456789abcdef";
const readOnlyToken = "ghp_readOnly0123456789abcdef";

let repos: ForgeTestRepositories;
let double: GithubDouble;

function forge(overrides: Partial<GithubForgeSettings> = {}): Forge {
  return createGithubForge({
    token,
    owner: "acme",
    repo: "api",
    apiUrl: double.apiUrl,
    pushUrl: double.pushUrl,
    clock: recordingClock(),
    ...overrides,
  });
}

const signal = () => AbortSignal.timeout(30_000);

const pushBranch = (target: Forge, branch: string): Promise<string> => pushNewCommit(target, repos, branch);

const callsTo = (operationId: string) =>
  double.requests.filter((request) => request.operationId === operationId).length;

describe("GitHub forge", () => {
  before(async () => {
    repos = makeForgeTestRepositories("acme", "api");
    double = await startGithubDouble({
      owner: "acme",
      repo: "api",
      token,
      readOnlyTokens: [readOnlyToken],
      projectRoot: repos.projectRoot,
      openApi: createGithubOpenApi(servedOperations),
    });
  });
  afterEach(() => {
    const violations = double.violations.splice(0);
    assert.deepEqual(
      violations,
      [],
      "the double saw requests or gave answers GitHub's description does not allow",
    );
  });
  after(async () => {
    await double.close();
    repos.remove();
  });

  test("pushes the branch and opens a draft pull request with labels and reviewers", async () => {
    const github = forge();
    const sha = await pushBranch(github, "slipway/create");
    assert.equal(await github.remoteBranchSha("slipway/create", signal()), sha);
    const pull = await github.createPullRequest(
      pullRequestDraft("slipway/create", { labels: ["slipway"], reviewers: ["alice"] }),
      signal(),
    );
    assert.equal(pull.forge, "github");
    assert.equal(pull.state, "open");
    assert.equal(pull.head, "slipway/create");
    assert.equal(pull.base, "main");
    assert.equal(pull.headSha, sha);
    assert.match(pull.url, new RegExp(`/acme/api/pull/${pull.number}$`));
    const stored = double.state.pulls.find((candidate) => candidate.number === pull.number);
    assert.equal(stored?.draft, true);
    assert.deepEqual(stored?.labels, ["slipway"]);
    assert.deepEqual(stored?.reviewers, ["alice"]);
    assert.equal(github.repository, "acme/api");
  });

  test("finds the pull request of a head branch, newest first, and reports merged ones as merged", async () => {
    const github = forge();
    await pushBranch(github, "slipway/find");
    const opened = await github.createPullRequest(pullRequestDraft("slipway/find"), signal());
    assert.equal((await github.findPullRequest("slipway/find", signal()))?.number, opened.number);
    assert.equal(await github.findPullRequest("slipway/nothing-here", signal()), undefined);
    const stored = double.state.pulls.find((candidate) => candidate.number === opened.number);
    Object.assign(stored ?? {}, { state: "closed", merged: true });
    assert.equal((await github.findPullRequest("slipway/find", signal()))?.state, "merged");
  });

  test("updates the title and body of an open pull request", async () => {
    const github = forge();
    await pushBranch(github, "slipway/update");
    const opened = await github.createPullRequest(pullRequestDraft("slipway/update"), signal());
    const updated = await github.updatePullRequest(
      opened.number,
      { title: "New title", body: "New body" },
      signal(),
    );
    assert.equal(updated.title, "New title");
    const stored = double.state.pulls.find((candidate) => candidate.number === opened.number);
    assert.equal(stored?.body, "New body");
  });

  test("does not reopen or edit a pull request a person closed", async () => {
    const github = forge();
    await pushBranch(github, "slipway/closed");
    const opened = await github.createPullRequest(pullRequestDraft("slipway/closed"), signal());
    const stored = double.state.pulls.find((candidate) => candidate.number === opened.number);
    Object.assign(stored ?? {}, { state: "closed" });
    const patchesBefore = callsTo("pulls/update");
    const error = await rejectionOf(
      github.updatePullRequest(opened.number, { title: "x", body: "y" }, signal()),
    );
    assert.equal(error.code, "pull_request_closed");
    assert.match(error.message, /does not reopen/);
    assert.equal(callsTo("pulls/update"), patchesBefore);
    assert.equal(stored?.title, "Slipway: slipway/closed");
  });

  test("422 'a pull request already exists': finds the open one and updates it, never a second", async () => {
    const github = forge();
    await pushBranch(github, "slipway/exists");
    // Someone (another run, a person) opened one for the branch between our look-up and our create.
    double.state.pulls.push({
      number: double.state.pulls.length + 1,
      title: "opened elsewhere",
      body: null,
      head: "slipway/exists",
      base: "main",
      state: "open",
      merged: false,
      draft: false,
      labels: [],
      reviewers: [],
      author: "carol",
      createdAt: "2026-01-05T09:00:00Z",
      updatedAt: "2026-01-05T09:00:00Z",
    });
    const countBefore = double.state.pulls.length;
    const pull = await github.createPullRequest(
      pullRequestDraft("slipway/exists", { title: "Slipway title" }),
      signal(),
    );
    assert.equal(double.state.pulls.length, countBefore);
    assert.equal(pull.number, countBefore);
    assert.equal(pull.title, "Slipway title");
  });

  test("401: a bad token fails with a one-line error naming its variable; the branch's work is kept", async () => {
    const good = forge();
    const sha = await pushBranch(good, "slipway/bad-token");
    const bad = forge({ token: "ghp_wrong", tokenVariable: "GITHUB_TOKEN" });
    const apiError = await rejectionOf(
      bad.createPullRequest(pullRequestDraft("slipway/bad-token"), signal()),
    );
    assert.equal(apiError.code, "forge_unauthorized");
    assert.match(apiError.message, /GITHUB_TOKEN/);
    assert.doesNotMatch(apiError.message, /\n|ghp_wrong/);
    const next = repos.commitInMirror("slipway/bad-token", "more.txt", "more\n");
    const pushError = await rejectionOf(
      bad.push({
        mirrorPath: repos.mirrorPath,
        branch: "slipway/bad-token",
        commit: next,
        expectedRemoteSha: sha,
        signal: signal(),
      }),
    );
    assert.equal(pushError.code, "forge_unauthorized");
    assert.equal(repos.hostedHead("slipway/bad-token"), sha, "the remote branch is untouched");
    assert.ok(double.state.pulls.every((pull) => pull.head !== "slipway/bad-token"));
  });

  test("403 without a rate limit: the token lacks rights (forge_forbidden), for the API and for git", async () => {
    const readOnly = forge({ token: readOnlyToken });
    const apiError = await rejectionOf(readOnly.comment(1, "hello", signal()));
    assert.equal(apiError.code, "forge_forbidden");
    assert.match(apiError.message, /lacks the rights/);
    const sha = repos.commitInMirror("slipway/read-only", "r.txt", "r\n");
    const pushError = await rejectionOf(
      readOnly.push({
        mirrorPath: repos.mirrorPath,
        branch: "slipway/read-only",
        commit: sha,
        expectedRemoteSha: null,
        signal: signal(),
      }),
    );
    assert.equal(pushError.code, "forge_forbidden");
    assert.match(pushError.message, /lacks push rights/);
  });

  test("403 rate limit with x-ratelimit-reset: waits until the reset, then succeeds", async () => {
    const clock = recordingClock();
    const github = forge({ clock });
    await pushBranch(github, "slipway/rate");
    const reset = Math.floor(clock.now() / 1000) + 30;
    double.state.failures.push({
      operationId: "pulls/create",
      status: 403,
      headers: {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(reset),
      },
      body: {
        message: "API rate limit exceeded for user ID 1.",
        documentation_url: "https://docs.github.com/rest",
      },
      times: 1,
    });
    const before = callsTo("pulls/create");
    const pull = await github.createPullRequest(pullRequestDraft("slipway/rate"), signal());
    assert.equal(pull.state, "open");
    assert.equal(callsTo("pulls/create") - before, 2);
    assert.equal(clock.waits.length, 1);
    const wait = clock.waits[0] ?? 0;
    assert.ok(wait >= 30_000 && wait <= 31_000, `waited ${wait} ms for a reset 30 s away`);
  });

  test("honours retry-after of a secondary rate limit", async () => {
    const clock = recordingClock();
    double.state.failures.push({
      operationId: "pulls/list",
      status: 403,
      headers: { "retry-after": "7" },
      body: {
        message: "You have exceeded a secondary rate limit.",
        documentation_url: "https://docs.github.com/rest",
      },
      times: 1,
    });
    assert.equal(await forge({ clock }).findPullRequest("slipway/none", signal()), undefined);
    assert.deepEqual(clock.waits, [7_000]);
  });

  test("a reset further away than the longest wait fails with forge_rate_limited at once", async () => {
    const clock = recordingClock();
    double.state.failures.push({
      operationId: "pulls/list",
      status: 429,
      headers: { "retry-after": "3600" },
      body: { message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" },
      times: 1,
    });
    const error = await rejectionOf(forge({ clock }).findPullRequest("slipway/none", signal()));
    assert.equal(error.code, "forge_rate_limited");
    assert.deepEqual(clock.waits, []);
  });

  test("checks() combines check runs and commit statuses and reports failures by name; logs are fetched", async () => {
    const github = forge();
    const sha = await pushBranch(github, "slipway/checks");
    const run = (
      id: number,
      name: string,
      status: "completed" | "in_progress",
      conclusion: "success" | "failure" | null,
      appSlug = "github-actions",
    ) => ({
      id,
      headSha: sha,
      name,
      status,
      conclusion,
      appSlug,
      outputTitle: null,
      outputSummary: null,
      log: "",
    });
    double.state.checkRuns.push(
      run(101, "build", "completed", "success"),
      { ...run(102, "test", "completed", "failure"), log: "FAIL src/add.test.js\n  expected 5, got 6\n" },
      run(103, "lint", "in_progress", null),
      {
        ...run(104, "coverage", "completed", "failure", "codecov"),
        outputTitle: "Coverage fell",
        outputSummary: "82% < 85%",
      },
    );
    double.state.statuses.push({
      sha,
      context: "ci/jenkins",
      state: "error",
      description: "build broke",
      targetUrl: "https://ci.invalid/1",
    });
    const results = await github.checks(sha, signal());
    const states = Object.fromEntries(results.map((result) => [result.name, result.state]));
    assert.deepEqual(states, {
      build: "success",
      test: "failure",
      lint: "pending",
      coverage: "failure",
      "ci/jenkins": "failure",
    });
    const byName = (name: string) => results.find((result) => result.name === name) ?? assert.fail(name);
    assert.match(await github.checkLog(byName("test"), signal()), /FAIL src\/add\.test\.js/);
    assert.match(await github.checkLog(byName("coverage"), signal()), /Coverage fell\n\n82% < 85%/);
    assert.match(await github.checkLog(byName("ci/jenkins"), signal()), /no log.*https:\/\/ci\.invalid\/1/);
  });

  test("comments() lists conversation comments, line comments and reviews oldest first; comment() posts", async () => {
    const github = forge();
    await pushBranch(github, "slipway/comments");
    const pull = await github.createPullRequest(pullRequestDraft("slipway/comments"), signal());
    const at = (second: number) => `2026-01-04T10:00:${String(second).padStart(2, "0")}Z`;
    double.state.comments.push(
      {
        id: 9001,
        kind: "review",
        number: pull.number,
        author: "bob",
        body: "/slipway rename the helper",
        createdAt: at(30),
        reviewState: "CHANGES_REQUESTED",
      },
      {
        id: 9002,
        kind: "issue",
        number: pull.number,
        author: "alice",
        body: "Looks close.",
        createdAt: at(10),
      },
      {
        id: 9003,
        kind: "review-comment",
        number: pull.number,
        author: "bob",
        body: "nit: name",
        createdAt: at(20),
        path: "src/add.js",
      },
      {
        id: 9004,
        kind: "review",
        number: pull.number,
        author: "alice",
        body: "",
        createdAt: at(40),
        reviewState: "APPROVED",
      },
    );
    const comments = await github.comments(pull.number, signal());
    assert.deepEqual(
      comments.map((comment) => [comment.id, comment.author, comment.body]),
      [
        ["issue-comment:9002", "alice", "Looks close."],
        ["review-comment:9003", "bob", "nit: name"],
        ["review:9001", "bob", "/slipway rename the helper"],
      ],
    );
    await github.comment(pull.number, "Follow-up run started.", signal());
    const after = await github.comments(pull.number, signal());
    assert.equal(after.at(-1)?.body, markSlipwayComment("Follow-up run started."));
    assert.equal(after.at(-1)?.author, "slipway-bot");
    assert.equal(after.at(-1)?.authorId, (await github.selfAccount(signal()))?.id);
  });

  test("knows the token's own account, and who has write access (an App's token has no account)", async () => {
    const github = forge();
    const self = await github.selfAccount(signal());
    assert.equal(self?.login, "slipway-bot");
    assert.match(self?.id ?? "", /^\d+$/);
    assert.equal(await github.hasWriteAccess({ login: "alice" }, signal()), true);
    assert.equal(await github.hasWriteAccess({ login: "acme" }, signal()), true, "admin");
    assert.equal(await github.hasWriteAccess({ login: "bob" }, signal()), false, "read only");
    assert.equal(await github.hasWriteAccess({ login: "mallory" }, signal()), false, "not a collaborator");
    assert.equal(await github.hasWriteAccess({ login: "ghost" }, signal()), false, "a deleted account");
    double.state.comments.push({
      id: 9100,
      kind: "issue",
      number: 4242,
      author: "alice",
      body: "hi",
      createdAt: "2026-01-05T10:00:00Z",
    });
    const aliceId = (await github.comments(4242, signal()))[0]?.authorId;
    assert.match(aliceId ?? "", /^\d+$/);
    assert.equal(await github.hasWriteAccess({ login: "alice", id: aliceId }, signal()), true);
    assert.equal(
      await github.hasWriteAccess({ login: "alice", id: "99999" }, signal()),
      false,
      "login now someone else's",
    );
    double.state.tokenLogin = undefined;
    try {
      assert.equal(await github.selfAccount(signal()), undefined);
    } finally {
      double.state.tokenLogin = "slipway-bot";
    }
    assert.deepEqual(double.violations, []);
  });

  test("opens a ready pull request where drafts are not supported, and warns", async () => {
    const warnings: string[] = [];
    const github = forge({ onWarning: (message) => warnings.push(message) });
    await pushBranch(github, "slipway/no-drafts");
    double.state.draftsSupported = false;
    try {
      const pull = await github.createPullRequest(pullRequestDraft("slipway/no-drafts"), signal());
      assert.equal(double.state.pulls.find((candidate) => candidate.number === pull.number)?.draft, false);
      assert.match(warnings.join("\n"), /does not support draft/);
    } finally {
      double.state.draftsSupported = true;
    }
  });

  test("a reviewer GitHub refuses is a warning; the pull request stands", async () => {
    const warnings: string[] = [];
    const github = forge({ onWarning: (message) => warnings.push(message) });
    await pushBranch(github, "slipway/reviewer");
    const pull = await github.createPullRequest(
      pullRequestDraft("slipway/reviewer", { reviewers: ["mallory"] }),
      signal(),
    );
    assert.equal(pull.state, "open");
    assert.match(warnings.join("\n"), /mallory/);
  });

  test("pushes to github.com by default and to the Enterprise host of an Enterprise API URL", () => {
    assert.equal(defaultGithubPushUrl(undefined, "acme", "api"), "https://github.com/acme/api.git");
    assert.equal(
      defaultGithubPushUrl("https://api.github.com", "acme", "api"),
      "https://github.com/acme/api.git",
    );
    assert.equal(
      defaultGithubPushUrl("https://ghe.example.com/api/v3", "acme", "api"),
      "https://ghe.example.com/acme/api.git",
    );
  });

  test("an empty token, or one with a newline, is forge_not_configured before any request", () => {
    const before = double.requests.length;
    for (const bad of ["", "ghp_abc\n"]) {
      assert.throws(
        () => forge({ token: bad }),
        (error: unknown) =>
          SlipwayError.isInstance(error) &&
          error.code === "forge_not_configured" &&
          /GITHUB_TOKEN/.test(error.message),
      );
    }
    assert.equal(double.requests.length, before);
  });
});
