// The GitLab forge: pushes a run's branch over HTTPS with the platform's token and opens, updates,
// watches (the head commit's latest pipeline and its jobs) and comments on its merge request
// through gitbeaker.
import { AsyncLocalStorage } from "node:async_hooks";
import {
  IssueNotes,
  Jobs,
  MergeRequestNotes,
  MergeRequests,
  Pipelines,
  ProjectMembers,
  Users,
} from "@gitbeaker/rest";
import { ForgeError, SlipwayError } from "../../core/errors.ts";
import {
  type CheckResult,
  type Forge,
  markSlipwayComment,
  type PullRequest,
  type PullRequestDraft,
} from "../forge.ts";
import { assertUsableToken, type HttpsGitRemote, pushOverHttps, remoteHeadOverHttps } from "../https-git.ts";
import { defaultRateLimitPolicy, type ForgeClock, type RateLimitPolicy, systemClock } from "../rate-limit.ts";
import { gitlabHasWriteAccess, gitlabSelfAccount } from "./gitlab-accounts.ts";
import { createGitlabRequesterFn } from "./gitlab-requester.ts";
import {
  GitlabJobList,
  GitlabMergeRequest,
  GitlabMergeRequestList,
  GitlabNoteList,
  GitlabPipelineList,
  GitlabUserList,
  isDraft,
  jobIdOf,
  jobResult,
  noteComment,
  parseGitlab,
  toPullRequest,
} from "./gitlab-responses.ts";

export interface GitlabForgeSettings {
  token: string;
  /** The project's path (`group/subgroup/project`) or numeric id. */
  project: string;
  /** GitLab's base URL; default `https://gitlab.com`. */
  host?: string;
  /** Where git pushes; default `<host>/<project>.git` (required when `project` is a numeric id). */
  pushUrl?: string;
  /** The setting the token came from, named in errors; default `GITLAB_TOKEN`. */
  tokenVariable?: string;
  /** Basic-auth user sent with the token on push; default `oauth2` (works for personal, project and OAuth tokens). */
  pushUsername?: string;
  requestTimeoutMs?: number;
  rateLimit?: Partial<RateLimitPolicy>;
  clock?: ForgeClock;
  onWarning?: (message: string) => void;
}

const maxPages = 10;
const perPage = 100;

function apis(settings: GitlabForgeSettings, host: string, callSignal: AsyncLocalStorage<AbortSignal>) {
  const requesterFn = createGitlabRequesterFn({
    tokenVariable: settings.tokenVariable ?? "GITLAB_TOKEN",
    requestTimeoutMs: settings.requestTimeoutMs ?? 30_000,
    rateLimit: { ...defaultRateLimitPolicy, ...settings.rateLimit },
    clock: settings.clock ?? systemClock,
    callSignal,
  });
  // Timeouts and rate limits are the requester's; gitbeaker's own would only duplicate them.
  const options = { host, token: settings.token, requesterFn, queryTimeout: null, rateLimits: {} };
  return {
    mergeRequests: new MergeRequests(options),
    notes: new MergeRequestNotes(options),
    issueNotes: new IssueNotes(options),
    pipelines: new Pipelines(options),
    jobs: new Jobs(options),
    users: new Users(options),
    members: new ProjectMembers(options),
  };
}

function defaultPushUrl(host: string, project: string): string {
  if (/^\d+$/.test(project)) {
    throw new ForgeError(
      `GitLab project ${project} is a numeric id, so Slipway cannot tell its git URL: set forge.gitlab.project to its path (group/project)`,
      { code: "forge_not_configured", details: { project } },
    );
  }
  return `${host}/${project}.git`;
}

type GitlabApis = ReturnType<typeof apis>;

/** What every call of one GitLab forge shares. */
interface GitlabContext {
  api: GitlabApis;
  project: string;
  /** Runs one gitbeaker call with `signal` visible to the requester (which gitbeaker does not pass on). */
  call: <T>(signal: AbortSignal, run: () => Promise<T>) => Promise<T>;
  warn: (message: string) => void;
}

async function findMergeRequest(
  ctx: GitlabContext,
  head: string,
  state: "opened" | undefined,
  signal: AbortSignal,
): Promise<PullRequest | undefined> {
  const list = await ctx.call(signal, () =>
    ctx.api.mergeRequests.all({
      projectId: ctx.project,
      sourceBranch: head,
      state,
      orderBy: "created_at",
      sort: "desc",
      perPage: 20,
      maxPages: 1,
    }),
  );
  const newest = parseGitlab(GitlabMergeRequestList, list, "the merge request list").find(
    (request) => request.source_branch === head,
  );
  return newest === undefined ? undefined : toPullRequest(newest);
}

async function updateMergeRequest(
  ctx: GitlabContext,
  number: number,
  change: { title: string; body: string },
  signal: AbortSignal,
): Promise<PullRequest> {
  const current = parseGitlab(
    GitlabMergeRequest,
    await ctx.call(signal, () => ctx.api.mergeRequests.show(ctx.project, number)),
    `merge request !${number}`,
  );
  const pull = toPullRequest(current);
  if (pull.state !== "open") {
    throw new ForgeError(
      `merge request !${number} is ${pull.state} on GitLab; Slipway does not reopen it: the work stays on branch ${pull.head}`,
      { code: "pull_request_closed", details: { number, url: pull.url, state: pull.state } },
    );
  }
  // GitLab keeps draft state in the title: keep a draft a draft.
  const title =
    isDraft(current) && !/^(draft:|\[draft\]|\(draft\))/i.test(change.title)
      ? `Draft: ${change.title}`
      : change.title;
  const edited = await ctx.call(signal, () =>
    ctx.api.mergeRequests.edit(ctx.project, number, { title, description: change.body }),
  );
  return toPullRequest(parseGitlab(GitlabMergeRequest, edited, `the update of !${number}`));
}

async function reviewerIds(ctx: GitlabContext, names: string[], signal: AbortSignal): Promise<number[]> {
  const ids: number[] = [];
  for (const username of names.slice(0, 20)) {
    const users = parseGitlab(
      GitlabUserList,
      await ctx.call(signal, () => ctx.api.users.all({ username, perPage: 1, maxPages: 1 })),
      `the user ${username}`,
    );
    const user = users.find((candidate) => candidate.username === username);
    if (user === undefined) ctx.warn(`GitLab has no user ${username}: not requested as a reviewer`);
    else ids.push(user.id);
  }
  return ids;
}

async function createMergeRequest(
  ctx: GitlabContext,
  draft: PullRequestDraft,
  signal: AbortSignal,
): Promise<PullRequest> {
  const title = draft.draft ? `Draft: ${draft.title}` : draft.title;
  const ids = await reviewerIds(ctx, draft.reviewers, signal);
  try {
    const created = await ctx.call(signal, () =>
      ctx.api.mergeRequests.create(ctx.project, draft.head, draft.base, title, {
        description: draft.body,
        ...(draft.labels.length > 0 ? { labels: draft.labels.join(",") } : {}),
        ...(ids.length > 0 ? { reviewerIds: ids } : {}),
      }),
    );
    return toPullRequest(parseGitlab(GitlabMergeRequest, created, "the new merge request"));
  } catch (error) {
    // 409: an open merge request for this source branch exists (another run, a person): update it.
    if (!(SlipwayError.isInstance(error) && error.details.status === 409)) throw error;
    const existing = await findMergeRequest(ctx, draft.head, "opened", signal);
    if (existing === undefined) throw error;
    return updateMergeRequest(ctx, existing.number, draft, signal);
  }
}

/** The jobs of the head commit's latest pipeline, as checks. */
async function pipelineChecks(ctx: GitlabContext, sha: string, signal: AbortSignal): Promise<CheckResult[]> {
  const pipelines = parseGitlab(
    GitlabPipelineList,
    await ctx.call(signal, () =>
      ctx.api.pipelines.all(ctx.project, { sha, orderBy: "id", sort: "desc", perPage: 1, maxPages: 1 }),
    ),
    `the pipelines of ${sha}`,
  );
  const latest = pipelines[0];
  if (latest === undefined) return [];
  const jobs = parseGitlab(
    GitlabJobList,
    await ctx.call(signal, () => ctx.api.jobs.all(ctx.project, { pipelineId: latest.id, perPage, maxPages })),
    `the jobs of pipeline ${latest.id}`,
  );
  return jobs.map(jobResult);
}

async function jobLog(ctx: GitlabContext, check: CheckResult, signal: AbortSignal): Promise<string> {
  const jobId = jobIdOf(check.logId);
  if (jobId === undefined)
    return `${check.name} has no job log on GitLab${check.url ? `: see ${check.url}` : ""}`;
  const log: unknown = await ctx.call(signal, () => ctx.api.jobs.showLog(ctx.project, jobId));
  if (typeof log !== "string")
    throw new ForgeError(`GitLab answered the log of job ${jobId} with something other than text`);
  return log;
}

async function mergeRequestComments(ctx: GitlabContext, number: number, signal: AbortSignal) {
  const notes = parseGitlab(
    GitlabNoteList,
    await ctx.call(signal, () =>
      ctx.api.notes.all(ctx.project, number, { sort: "asc", orderBy: "created_at", perPage, maxPages }),
    ),
    `the notes of !${number}`,
  );
  // System notes ("added 1 commit", "marked as ready") are GitLab's, not a person's.
  return notes.filter((note) => !note.system).map(noteComment);
}

/** The GitLab forge for one project. Throws `forge_not_configured` for an unusable token. */
export function createGitlabForge(settings: GitlabForgeSettings): Forge {
  assertUsableToken("GitLab", settings.token, settings.tokenVariable ?? "GITLAB_TOKEN");
  const host = (settings.host ?? "https://gitlab.com").replace(/\/+$/, "");
  const callSignal = new AsyncLocalStorage<AbortSignal>();
  const ctx: GitlabContext = {
    api: apis(settings, host, callSignal),
    project: settings.project,
    call: (signal, run) => callSignal.run(signal, run),
    warn: settings.onWarning ?? (() => {}),
  };
  const accounts = { users: ctx.api.users, members: ctx.api.members, project: ctx.project, call: ctx.call };
  const remote: HttpsGitRemote = {
    forgeName: "GitLab",
    url: settings.pushUrl ?? defaultPushUrl(host, settings.project),
    username: settings.pushUsername ?? "oauth2",
    token: settings.token,
    tokenVariable: settings.tokenVariable ?? "GITLAB_TOKEN",
    pushRightsHint: "write_repository scope and the Developer role",
  };
  return {
    name: "gitlab",
    repository: settings.project,
    // "#" is an issue on GitLab; a merge request is "!".
    pullRequestReference: (number) => `!${number}`,
    push: (request) => pushOverHttps(remote, request),
    remoteBranchSha: (branch, signal) => remoteHeadOverHttps(remote, branch, signal),
    findPullRequest: (head, signal) => findMergeRequest(ctx, head, undefined, signal),
    createPullRequest: (draft, signal) => createMergeRequest(ctx, draft, signal),
    updatePullRequest: (number, change, signal) => updateMergeRequest(ctx, number, change, signal),
    checks: (sha, signal) => pipelineChecks(ctx, sha, signal),
    checkLog: (check, signal) => jobLog(ctx, check, signal),
    comments: (number, signal) => mergeRequestComments(ctx, number, signal),
    comment: async (number, body, signal) => {
      await ctx.call(signal, () => ctx.api.notes.create(ctx.project, number, markSlipwayComment(body)));
    },
    commentOnIssue: async (issue, body, signal) => {
      await ctx.call(signal, () => ctx.api.issueNotes.create(ctx.project, issue, markSlipwayComment(body)));
    },
    selfAccount: (signal) => gitlabSelfAccount(accounts, signal),
    hasWriteAccess: (account, signal) => gitlabHasWriteAccess(accounts, account, signal),
  };
}
