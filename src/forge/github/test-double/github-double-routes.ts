// Test support: the GitHub double's behaviour per REST operation (by GitHub's operationId), over
// the double's state and the hosted bare repository. Answers follow GitHub's documented rules:
// one open pull request per head and base, head sha read from the branch, validation errors as 422.
import { execFileSync } from "node:child_process";
import { z } from "zod";
import { type DoublePull, type GithubDoubleState, timestampAfter } from "./github-double-state.ts";
import type { GithubFixtures } from "./github-fixtures.ts";
import type { OperationMatch } from "./openapi-validator.ts";

export interface DoubleResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  state: GithubDoubleState;
  fixtures: GithubFixtures;
  owner: string;
  hostedPath: string;
  /** Base URL of the double, for the log download redirect. */
  baseUrl: string;
}

const CreatePull = z.object({
  head: z.string(),
  base: z.string(),
  title: z.string(),
  body: z.string().optional(),
  draft: z.boolean().optional(),
});
const UpdatePull = z.object({
  title: z.string().optional(),
  body: z.string().optional(),
  state: z.enum(["open", "closed"]).optional(),
});
const AddLabels = z.object({ labels: z.array(z.string()) });
const RequestReviewers = z.object({
  reviewers: z.array(z.string()).optional(),
  team_reviewers: z.array(z.string()).optional(),
});
const CreateComment = z.object({ body: z.string() });

function branchSha(context: RouteContext, branch: string): string | undefined {
  try {
    return execFileSync(
      "git",
      ["--git-dir", context.hostedPath, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`],
      {
        encoding: "utf8",
      },
    ).trim();
  } catch {
    // Exit 1: no such branch.
    return undefined;
  }
}

function shasOf(context: RouteContext, pull: DoublePull) {
  return {
    head: branchSha(context, pull.head) ?? "0".repeat(40),
    base: branchSha(context, pull.base) ?? "0".repeat(40),
  };
}

function page<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Number(query.get("per_page") ?? 30);
  const number = Number(query.get("page") ?? 1);
  return items.slice((number - 1) * perPage, number * perPage);
}

function findPull(context: RouteContext, number: string | undefined): DoublePull | undefined {
  return context.state.pulls.find((pull) => String(pull.number) === number);
}

function notFound(context: RouteContext): DoubleResponse {
  return { status: 404, body: context.fixtures.basicError("Not Found") };
}

function createPull(context: RouteContext, body: unknown): DoubleResponse {
  const { state, fixtures, owner } = context;
  const request = CreatePull.parse(body);
  if (branchSha(context, request.head) === undefined) {
    return {
      status: 422,
      body: fixtures.validationError([{ resource: "PullRequest", field: "head", code: "invalid" }]),
    };
  }
  if (
    state.pulls.some(
      (pull) => pull.state === "open" && pull.head === request.head && pull.base === request.base,
    )
  ) {
    const message = `A pull request already exists for ${owner}:${request.head}.`;
    return {
      status: 422,
      body: fixtures.validationError([{ resource: "PullRequest", code: "custom", message }]),
    };
  }
  if (request.draft === true && !state.draftsSupported) {
    const message = "Draft pull requests are not supported in this repository.";
    return {
      status: 422,
      body: fixtures.validationError([{ resource: "PullRequest", code: "custom", message }]),
    };
  }
  const now = timestampAfter(state);
  const pull: DoublePull = {
    number: state.pulls.length + 1,
    title: request.title,
    body: request.body ?? null,
    head: request.head,
    base: request.base,
    state: "open",
    merged: false,
    draft: request.draft ?? false,
    labels: [],
    reviewers: [],
    author: state.tokenLogin ?? "slipway[bot]",
    createdAt: now,
    updatedAt: now,
  };
  state.pulls.push(pull);
  return { status: 201, body: fixtures.pullRequest(pull, shasOf(context, pull)) };
}

function listPulls(context: RouteContext, query: URLSearchParams): DoubleResponse {
  const wanted = query.get("state") ?? "open";
  const head = query.get("head");
  const pulls = context.state.pulls
    .filter((pull) => wanted === "all" || pull.state === wanted)
    .filter((pull) => head === null || `${context.owner}:${pull.head}` === head)
    .sort((a, b) => (query.get("direction") === "asc" ? a.number - b.number : b.number - a.number));
  return {
    status: 200,
    body: page(pulls, query).map((pull) => context.fixtures.pullRequestSimple(pull, shasOf(context, pull))),
  };
}

function pullRoutes(
  context: RouteContext,
  match: OperationMatch,
  query: URLSearchParams,
  body: unknown,
): DoubleResponse | undefined {
  const { state, fixtures } = context;
  const pull = findPull(context, match.params.pull_number ?? match.params.issue_number);
  switch (match.operationId) {
    case "pulls/list":
      return listPulls(context, query);
    case "pulls/create":
      return createPull(context, body);
    case "pulls/get":
      return pull
        ? { status: 200, body: fixtures.pullRequest(pull, shasOf(context, pull)) }
        : notFound(context);
    case "pulls/update": {
      if (!pull) return notFound(context);
      Object.assign(pull, UpdatePull.parse(body), { updatedAt: timestampAfter(state) });
      return { status: 200, body: fixtures.pullRequest(pull, shasOf(context, pull)) };
    }
    case "issues/add-labels": {
      if (!pull) return notFound(context);
      pull.labels = [...new Set([...pull.labels, ...AddLabels.parse(body).labels])];
      return { status: 200, body: pull.labels.map(fixtures.label) };
    }
    case "pulls/request-reviewers": {
      if (!pull) return notFound(context);
      const { reviewers = [] } = RequestReviewers.parse(body);
      // GitHub documents this 422 without a body.
      if (reviewers.some((login) => !state.collaborators.has(login))) return { status: 422 };
      pull.reviewers = [...new Set([...pull.reviewers, ...reviewers])];
      return { status: 201, body: fixtures.pullRequestSimple(pull, shasOf(context, pull)) };
    }
    default:
      return undefined;
  }
}

function checkRoutes(
  context: RouteContext,
  match: OperationMatch,
  query: URLSearchParams,
): DoubleResponse | undefined {
  const { state, fixtures } = context;
  switch (match.operationId) {
    case "checks/list-for-ref": {
      const runs = state.checkRuns.filter((run) => run.headSha === match.params.ref);
      return {
        status: 200,
        body: { total_count: runs.length, check_runs: page(runs, query).map(fixtures.checkRun) },
      };
    }
    case "repos/get-combined-status-for-ref": {
      const sha = match.params.ref ?? "";
      return {
        status: 200,
        body: fixtures.combinedStatus(
          sha,
          state.statuses.filter((status) => status.sha === sha),
        ),
      };
    }
    case "checks/get": {
      const run = state.checkRuns.find((candidate) => String(candidate.id) === match.params.check_run_id);
      return run ? { status: 200, body: fixtures.checkRun(run) } : notFound(context);
    }
    case "actions/download-job-logs-for-workflow-run": {
      const run = state.checkRuns.find((candidate) => String(candidate.id) === match.params.job_id);
      if (run?.appSlug !== "github-actions") return notFound(context);
      return { status: 302, headers: { location: `${context.baseUrl}/_double/logs/${run.id}` } };
    }
    default:
      return undefined;
  }
}

function commentRoutes(
  context: RouteContext,
  match: OperationMatch,
  query: URLSearchParams,
  body: unknown,
): DoubleResponse | undefined {
  const { state, fixtures } = context;
  const number = Number(match.params.pull_number ?? match.params.issue_number);
  const pull = findPull(context, String(number));
  const commit = pull ? shasOf(context, pull).head : "0".repeat(40);
  const ofKind = (kind: string) =>
    state.comments.filter((comment) => comment.kind === kind && comment.number === number);
  switch (match.operationId) {
    case "issues/list-comments":
      return { status: 200, body: page(ofKind("issue"), query).map(fixtures.issueComment) };
    case "issues/create-comment": {
      const comment = {
        id: 3000 + state.nextId,
        kind: "issue" as const,
        number,
        author: state.tokenLogin ?? "slipway[bot]",
        body: CreateComment.parse(body).body,
        createdAt: timestampAfter(state),
      };
      state.comments.push(comment);
      return { status: 201, body: fixtures.issueComment(comment) };
    }
    case "pulls/list-review-comments":
      return {
        status: 200,
        body: page(ofKind("review-comment"), query).map((comment) => fixtures.reviewComment(comment, commit)),
      };
    case "pulls/list-reviews":
      return {
        status: 200,
        body: page(ofKind("review"), query).map((comment) => fixtures.review(comment, commit)),
      };
    default:
      return undefined;
  }
}

function accountRoutes(context: RouteContext, match: OperationMatch): DoubleResponse | undefined {
  const { state, fixtures } = context;
  switch (match.operationId) {
    case "users/get-authenticated":
      // An installation token is no user: GitHub refuses it this endpoint.
      return state.tokenLogin === undefined
        ? { status: 403, body: fixtures.basicError("Resource not accessible by integration") }
        : { status: 200, body: fixtures.authenticatedUser(state.tokenLogin) };
    case "repos/get-collaborator-permission-level": {
      const login = match.params.username ?? "";
      if (login === "ghost") return notFound(context);
      const permission = state.permissions.get(login) ?? "none";
      return { status: 200, body: fixtures.collaboratorPermission(login, permission) };
    }
    default:
      return undefined;
  }
}

/** The double's answer to one matched operation. */
export function answerOperation(
  context: RouteContext,
  match: OperationMatch,
  query: URLSearchParams,
  body: unknown,
): DoubleResponse {
  return (
    pullRoutes(context, match, query, body) ??
    checkRoutes(context, match, query) ??
    commentRoutes(context, match, query, body) ??
    accountRoutes(context, match) ?? {
      status: 500,
      body: context.fixtures.basicError(`double: ${match.operationId} has no route`),
    }
  );
}
