// Test support: the GitHub double's response bodies, built field by field in the shapes of GitHub's
// REST API (users, repositories, pull requests, check runs, statuses, comments, errors). The
// double validates every one of them against the OpenAPI description before it answers.
import {
  fixtureCreatedAt as createdAt,
  type GithubAccountFixtures,
  githubAccountFixtures,
} from "./github-account-fixtures.ts";
import type { DoubleCheckRun, DoubleComment, DoublePull, DoubleStatus } from "./github-double-state.ts";

export interface GithubFixtures extends GithubAccountFixtures {
  pullRequest(pull: DoublePull, shas: { head: string; base: string }): Record<string, unknown>;
  pullRequestSimple(pull: DoublePull, shas: { head: string; base: string }): Record<string, unknown>;
  label(name: string, index: number): Record<string, unknown>;
  checkRun(run: DoubleCheckRun): Record<string, unknown>;
  combinedStatus(sha: string, statuses: DoubleStatus[]): Record<string, unknown>;
  issueComment(comment: DoubleComment): Record<string, unknown>;
  reviewComment(comment: DoubleComment, commit: string): Record<string, unknown>;
  review(comment: DoubleComment, commit: string): Record<string, unknown>;
  basicError(message: string): Record<string, unknown>;
  validationError(
    errors: Array<{ resource: string; code: string; field?: string; message?: string }>,
  ): Record<string, unknown>;
}

/** Fixtures for `owner/repo` on a double whose API is at `api` and whose web pages are at `web`. */
export function githubFixtures(api: string, web: string, owner: string, repo: string): GithubFixtures {
  const fullName = `${owner}/${repo}`;
  const repoApi = `${api}/repos/${fullName}`;
  const accounts = githubAccountFixtures(api, web, owner, repo);
  const { user, repository } = accounts;

  const label = (name: string, index: number): Record<string, unknown> => ({
    id: 500 + index,
    node_id: `LA_${500 + index}`,
    url: `${repoApi}/labels/${encodeURIComponent(name)}`,
    name,
    // Not null: the pull-request-simple shape (list, reviewer answers) requires a string here.
    description: "",
    color: "ededed",
    default: false,
  });

  const pullRequestSimple = (
    pull: DoublePull,
    shas: { head: string; base: string },
  ): Record<string, unknown> => {
    const pullApi = `${repoApi}/pulls/${pull.number}`;
    const issueApi = `${repoApi}/issues/${pull.number}`;
    const htmlUrl = `${web}/${fullName}/pull/${pull.number}`;
    const branch = (ref: string, sha: string) => ({
      label: `${owner}:${ref}`,
      ref,
      sha,
      user: user(owner),
      repo: repository(),
    });
    return {
      url: pullApi,
      id: 90_000 + pull.number,
      node_id: `PR_${pull.number}`,
      html_url: htmlUrl,
      diff_url: `${htmlUrl}.diff`,
      patch_url: `${htmlUrl}.patch`,
      issue_url: issueApi,
      commits_url: `${pullApi}/commits`,
      review_comments_url: `${pullApi}/comments`,
      review_comment_url: `${repoApi}/pulls/comments{/number}`,
      comments_url: `${issueApi}/comments`,
      statuses_url: `${repoApi}/statuses/${shas.head}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: user(pull.author),
      body: pull.body,
      labels: pull.labels.map(label),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.state === "closed" ? pull.updatedAt : null,
      merged_at: pull.merged ? pull.updatedAt : null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: pull.reviewers.map(user),
      requested_teams: [],
      head: branch(pull.head, shas.head),
      base: branch(pull.base, shas.base),
      _links: {
        self: { href: pullApi },
        html: { href: htmlUrl },
        issue: { href: issueApi },
        comments: { href: `${issueApi}/comments` },
        review_comments: { href: `${pullApi}/comments` },
        review_comment: { href: `${repoApi}/pulls/comments{/number}` },
        commits: { href: `${pullApi}/commits` },
        statuses: { href: `${repoApi}/statuses/${shas.head}` },
      },
      author_association: "MEMBER",
      auto_merge: null,
      draft: pull.draft,
    };
  };

  const pullRequest = (pull: DoublePull, shas: { head: string; base: string }): Record<string, unknown> => ({
    ...pullRequestSimple(pull, shas),
    merged: pull.merged,
    mergeable: true,
    rebaseable: true,
    mergeable_state: "clean",
    merged_by: pull.merged ? user(owner) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  });

  const app = (slug: string): Record<string, unknown> => ({
    id: slug === "github-actions" ? 15368 : 77,
    slug,
    node_id: `A_${slug}`,
    owner: user(slug === "github-actions" ? "github" : "ci-vendor"),
    name: slug === "github-actions" ? "GitHub Actions" : slug,
    description: null,
    external_url: `${web}/apps/${slug}`,
    html_url: `${web}/apps/${slug}`,
    created_at: createdAt,
    updated_at: createdAt,
    permissions: { checks: "write", metadata: "read" },
    events: [],
  });

  const checkRun = (run: DoubleCheckRun): Record<string, unknown> => ({
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.headSha,
    external_id: null,
    url: `${repoApi}/check-runs/${run.id}`,
    html_url: `${web}/${fullName}/runs/${run.id}`,
    details_url: `${web}/${fullName}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: createdAt,
    completed_at: run.status === "completed" ? createdAt : null,
    output: {
      title: run.outputTitle,
      summary: run.outputSummary,
      text: null,
      annotations_count: 0,
      annotations_url: `${repoApi}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: 7000 + run.id },
    app: app(run.appSlug),
    pull_requests: [],
  });

  const combinedStatus = (sha: string, statuses: DoubleStatus[]): Record<string, unknown> => ({
    state: statuses.some((status) => status.state === "failure" || status.state === "error")
      ? "failure"
      : statuses.some((status) => status.state === "pending") || statuses.length === 0
        ? "pending"
        : "success",
    sha,
    total_count: statuses.length,
    statuses: statuses.map((status, index) => ({
      url: `${repoApi}/statuses/${sha}`,
      avatar_url: null,
      id: 800 + index,
      node_id: `SC_${800 + index}`,
      state: status.state,
      description: status.description,
      target_url: status.targetUrl,
      context: status.context,
      created_at: createdAt,
      updated_at: createdAt,
    })),
    repository: repository(),
    commit_url: `${repoApi}/commits/${sha}`,
    url: `${repoApi}/commits/${sha}/status`,
  });

  const issueComment = (comment: DoubleComment): Record<string, unknown> => ({
    id: comment.id,
    node_id: `IC_${comment.id}`,
    url: `${repoApi}/issues/comments/${comment.id}`,
    html_url: `${web}/${fullName}/pull/${comment.number}#issuecomment-${comment.id}`,
    body: comment.body,
    user: user(comment.author),
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    issue_url: `${repoApi}/issues/${comment.number}`,
    author_association: "MEMBER",
  });

  const reviewComment = (comment: DoubleComment, commit: string): Record<string, unknown> => {
    const pullApi = `${repoApi}/pulls/${comment.number}`;
    const htmlUrl = `${web}/${fullName}/pull/${comment.number}#discussion_r${comment.id}`;
    return {
      url: `${repoApi}/pulls/comments/${comment.id}`,
      id: comment.id,
      node_id: `PRRC_${comment.id}`,
      pull_request_review_id: null,
      diff_hunk: "@@ -1 +1 @@",
      path: comment.path ?? "README.md",
      commit_id: commit,
      original_commit_id: commit,
      user: user(comment.author),
      body: comment.body,
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
      html_url: htmlUrl,
      pull_request_url: pullApi,
      author_association: "MEMBER",
      _links: {
        self: { href: `${repoApi}/pulls/comments/${comment.id}` },
        html: { href: htmlUrl },
        pull_request: { href: pullApi },
      },
    };
  };

  const review = (comment: DoubleComment, commit: string): Record<string, unknown> => {
    const htmlUrl = `${web}/${fullName}/pull/${comment.number}#pullrequestreview-${comment.id}`;
    return {
      id: comment.id,
      node_id: `PRR_${comment.id}`,
      user: user(comment.author),
      body: comment.body,
      state: comment.reviewState ?? "COMMENTED",
      html_url: htmlUrl,
      pull_request_url: `${repoApi}/pulls/${comment.number}`,
      _links: { html: { href: htmlUrl }, pull_request: { href: `${repoApi}/pulls/${comment.number}` } },
      submitted_at: comment.createdAt,
      commit_id: commit,
      author_association: "MEMBER",
    };
  };

  return {
    ...accounts,
    pullRequest,
    pullRequestSimple,
    label,
    checkRun,
    combinedStatus,
    issueComment,
    reviewComment,
    review,
    basicError: (message) => ({ message, documentation_url: "https://docs.github.com/rest" }),
    validationError: (errors) => ({
      message: "Validation Failed",
      errors,
      documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
    }),
  };
}
