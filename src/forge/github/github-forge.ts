// The GitHub forge: pushes a run's branch over HTTPS with the platform's token and opens, updates,
// watches and comments on its pull request through Octokit.
import type { Octokit } from "@octokit/rest";
import { ForgeError, SlipwayError } from "../../core/errors.ts";
import {
  type Forge,
  markSlipwayComment,
  type PullRequest,
  type PullRequestComment,
  type PullRequestDraft,
} from "../forge.ts";
import { assertUsableToken, type HttpsGitRemote, pushOverHttps, remoteHeadOverHttps } from "../https-git.ts";
import type { ForgeClock, RateLimitPolicy } from "../rate-limit.ts";
import { authenticatedAccount, hasWriteAccess } from "./github-accounts.ts";
import { listChecks, readCheckLog } from "./github-ci.ts";
import { createGithubClient, defaultGithubClientSettings } from "./github-client.ts";
import { listComments } from "./github-comments.ts";
import { GithubPullRequest, GithubPullRequestList, parseGithub, toPullRequest } from "./github-responses.ts";

export interface GithubForgeSettings {
  token: string;
  owner: string;
  repo: string;
  /** REST API root; default `https://api.github.com` (GitHub Enterprise: `https://HOST/api/v3`). */
  apiUrl?: string;
  /** Where git pushes; default `https://github.com/<owner>/<repo>.git` (or the Enterprise host of `apiUrl`). */
  pushUrl?: string;
  /** The setting the token came from, named in errors; default `GITHUB_TOKEN`. */
  tokenVariable?: string;
  /** Each HTTP request's limit; default 30 s. */
  requestTimeoutMs?: number;
  /** Longest rate-limit wait and attempts; default 60 s and 3. */
  rateLimit?: Partial<RateLimitPolicy>;
  /** Tests pass a clock that records waits. */
  clock?: ForgeClock;
  /** Told about a problem that does not fail the call (a reviewer GitHub would not add). */
  onWarning?: (message: string) => void;
}

interface GithubContext {
  octokit: Octokit;
  owner: string;
  repo: string;
  remote: HttpsGitRemote;
  warn: (message: string) => void;
}

/** Pages read at most for one list (100 items each). */
const maxPages = 10;

function isAlreadyExists(error: unknown): boolean {
  return (
    SlipwayError.isInstance(error) &&
    error.details.status === 422 &&
    /pull request already exists/i.test(String(error.details.forgeMessage))
  );
}

function isDraftUnsupported(error: unknown): boolean {
  return (
    SlipwayError.isInstance(error) &&
    error.details.status === 422 &&
    /draft pull requests are not supported/i.test(String(error.details.forgeMessage))
  );
}

async function findPullRequest(
  context: GithubContext,
  head: string,
  state: "all" | "open",
  signal: AbortSignal,
): Promise<PullRequest | undefined> {
  const { octokit, owner, repo } = context;
  const response = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${head}`,
    state,
    sort: "created",
    direction: "desc",
    per_page: 10,
    request: { signal },
  });
  const pulls = parseGithub(GithubPullRequestList, response.data, "the pull request list");
  const newest = pulls.find((pull) => pull.head.ref === head);
  return newest === undefined ? undefined : toPullRequest(newest);
}

async function updatePullRequest(
  context: GithubContext,
  number: number,
  update: { title: string; body: string },
  signal: AbortSignal,
): Promise<PullRequest> {
  const { octokit, owner, repo } = context;
  const current = await octokit.rest.pulls.get({ owner, repo, pull_number: number, request: { signal } });
  const pull = toPullRequest(parseGithub(GithubPullRequest, current.data, `pull request #${number}`));
  if (pull.state !== "open") {
    throw new ForgeError(
      `pull request #${number} is ${pull.state} on GitHub; Slipway does not reopen it: the work stays on branch ${pull.head}`,
      { code: "pull_request_closed", details: { number, url: pull.url, state: pull.state } },
    );
  }
  const response = await octokit.rest.pulls.update({
    owner,
    repo,
    pull_number: number,
    title: update.title,
    body: update.body,
    request: { signal },
  });
  return toPullRequest(parseGithub(GithubPullRequest, response.data, `the update of #${number}`));
}

/** Labels and reviewers of a new pull request; a reviewer GitHub refuses is a warning, not a failure. */
async function decoratePullRequest(
  context: GithubContext,
  number: number,
  draft: PullRequestDraft,
  signal: AbortSignal,
): Promise<void> {
  const { octokit, owner, repo } = context;
  if (draft.labels.length > 0) {
    await octokit.rest.issues.addLabels({
      owner,
      repo,
      issue_number: number,
      labels: draft.labels,
      request: { signal },
    });
  }
  if (draft.reviewers.length === 0) return;
  // `org/team` names a team; anything else is a user login.
  const teams = draft.reviewers
    .filter((name) => name.includes("/"))
    .map((name) => name.split("/").pop() ?? name);
  const users = draft.reviewers.filter((name) => !name.includes("/"));
  try {
    await octokit.rest.pulls.requestReviewers({
      owner,
      repo,
      pull_number: number,
      reviewers: users,
      team_reviewers: teams,
      request: { signal },
    });
  } catch (error) {
    // GitHub answers 422 for a reviewer who is not a collaborator (or is the author): the pull
    // request itself is fine, so the run goes on and the problem is reported.
    if (!(SlipwayError.isInstance(error) && error.details.status === 422)) throw error;
    context.warn(
      `GitHub did not request reviews from ${draft.reviewers.join(", ")} on #${number}: ${error.message}`,
    );
  }
}

async function createPullRequest(
  context: GithubContext,
  draft: PullRequestDraft,
  signal: AbortSignal,
): Promise<PullRequest> {
  const { octokit, owner, repo } = context;
  const create = (asDraft: boolean) =>
    octokit.rest.pulls.create({
      owner,
      repo,
      head: draft.head,
      base: draft.base,
      title: draft.title,
      body: draft.body,
      draft: asDraft,
      request: { signal },
    });
  let response: Awaited<ReturnType<typeof create>>;
  try {
    response = await create(draft.draft).catch((error: unknown) => {
      if (!(draft.draft && isDraftUnsupported(error))) throw error;
      context.warn(`${owner}/${repo} does not support draft pull requests: opened a ready one instead`);
      return create(false);
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    // Another run (or a person) opened one for this branch meanwhile: update it, never a second.
    const existing = await findPullRequest(context, draft.head, "open", signal);
    if (existing === undefined) throw error;
    return updatePullRequest(context, existing.number, draft, signal);
  }
  const pull = toPullRequest(parseGithub(GithubPullRequest, response.data, "the new pull request"));
  await decoratePullRequest(context, pull.number, draft, signal);
  return pull;
}

/** Where git pushes by default: github.com, or the web host of a GitHub Enterprise API URL. */
export function defaultGithubPushUrl(apiUrl: string | undefined, owner: string, repo: string): string {
  const api = apiUrl === undefined ? undefined : new URL(apiUrl);
  const web = api === undefined || api.hostname === "api.github.com" ? "https://github.com" : api.origin;
  return `${web}/${owner}/${repo}.git`;
}

/** The GitHub forge for one repository. Throws `forge_not_configured` for an unusable token. */
export function createGithubForge(settings: GithubForgeSettings): Forge {
  const tokenVariable = settings.tokenVariable ?? "GITHUB_TOKEN";
  assertUsableToken("GitHub", settings.token, tokenVariable);
  const octokit = createGithubClient({
    token: settings.token,
    apiUrl: settings.apiUrl ?? "https://api.github.com",
    tokenVariable,
    requestTimeoutMs: settings.requestTimeoutMs ?? defaultGithubClientSettings.requestTimeoutMs,
    rateLimit: { ...defaultGithubClientSettings.rateLimit, ...settings.rateLimit },
    clock: settings.clock ?? defaultGithubClientSettings.clock,
  });
  const context: GithubContext = {
    octokit,
    owner: settings.owner,
    repo: settings.repo,
    remote: {
      forgeName: "GitHub",
      url: settings.pushUrl ?? defaultGithubPushUrl(settings.apiUrl, settings.owner, settings.repo),
      username: "x-access-token",
      token: settings.token,
      tokenVariable,
      pushRightsHint: "contents: write",
    },
    warn: settings.onWarning ?? (() => {}),
  };
  const postIssueComment = async (number: number, body: string, signal: AbortSignal): Promise<void> => {
    await octokit.rest.issues.createComment({
      owner: settings.owner,
      repo: settings.repo,
      issue_number: number,
      body: markSlipwayComment(body),
      request: { signal },
    });
  };
  const target = { owner: settings.owner, repo: settings.repo };
  return {
    name: "github",
    repository: `${settings.owner}/${settings.repo}`,
    pullRequestReference: (number) => `#${number}`,
    push: (request) => pushOverHttps(context.remote, request),
    remoteBranchSha: (branch, signal) => remoteHeadOverHttps(context.remote, branch, signal),
    findPullRequest: (head, signal) => findPullRequest(context, head, "all", signal),
    createPullRequest: (draft, signal) => createPullRequest(context, draft, signal),
    updatePullRequest: (number, update, signal) => updatePullRequest(context, number, update, signal),
    checks: (sha, signal) => listChecks(context, sha, signal),
    checkLog: (check, signal) => readCheckLog(context, check, signal),
    comments: (number: number, signal: AbortSignal): Promise<PullRequestComment[]> =>
      listComments(octokit, { ...target, number, maxPages }, signal),
    comment: (number, body, signal) => postIssueComment(number, body, signal),
    // On GitHub a pull request is an issue: both take comments through the same endpoint.
    commentOnIssue: (issue, body, signal) => postIssueComment(issue, body, signal),
    selfAccount: (signal) => authenticatedAccount(octokit, signal),
    hasWriteAccess: (account, signal) => hasWriteAccess(octokit, target, account, signal),
  };
}
