// Everything said on a GitHub pull request, oldest first: conversation comments (the issue's),
// line comments in the diff, and submitted reviews that carry a body.
import type { Octokit } from "@octokit/rest";
import type { z } from "zod";
import type { PullRequestComment } from "../forge.ts";
import {
  GithubIssueCommentList,
  GithubReviewCommentList,
  GithubReviewList,
  parseGithub,
} from "./github-responses.ts";

export interface CommentTarget {
  owner: string;
  repo: string;
  number: number;
  /** Pages of 100 read at most per kind. */
  maxPages: number;
}

const perPage = 100;

/** Every page of one list (bounded), parsed with `schema`. */
async function allPages<T>(
  fetchPage: (page: number) => Promise<{ data: unknown }>,
  schema: z.ZodType<T[]>,
  what: string,
  maxPages: number,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const pageItems = parseGithub(schema, (await fetchPage(page)).data, what);
    items.push(...pageItems);
    if (pageItems.length < perPage) break;
  }
  return items;
}

/** The author's account id, when GitHub still has the account (a deleted one shows as null). */
function authorId(user: { id: number } | null): { authorId?: string } {
  return user === null ? {} : { authorId: String(user.id) };
}

/** Comments and reviews on pull request `target.number`, oldest first. */
export async function listComments(
  octokit: Octokit,
  target: CommentTarget,
  signal: AbortSignal,
): Promise<PullRequestComment[]> {
  const { owner, repo, number, maxPages } = target;
  const common = { owner, repo, per_page: perPage, request: { signal } };
  const [issueComments, reviewComments, reviews] = await Promise.all([
    allPages(
      (page) => octokit.rest.issues.listComments({ ...common, issue_number: number, page }),
      GithubIssueCommentList,
      `the comments of #${number}`,
      maxPages,
    ),
    allPages(
      (page) => octokit.rest.pulls.listReviewComments({ ...common, pull_number: number, page }),
      GithubReviewCommentList,
      `the review comments of #${number}`,
      maxPages,
    ),
    allPages(
      (page) => octokit.rest.pulls.listReviews({ ...common, pull_number: number, page }),
      GithubReviewList,
      `the reviews of #${number}`,
      maxPages,
    ),
  ]);
  const comments: PullRequestComment[] = [
    ...issueComments.map((comment) => ({
      id: `issue-comment:${comment.id}`,
      author: comment.user?.login ?? "ghost",
      ...authorId(comment.user),
      body: comment.body ?? "",
      createdAt: comment.created_at,
    })),
    ...reviewComments.map((comment) => ({
      id: `review-comment:${comment.id}`,
      author: comment.user?.login ?? "ghost",
      ...authorId(comment.user),
      body: comment.body,
      createdAt: comment.created_at,
    })),
    // A review without a body is an approval click or the envelope of line comments listed above.
    ...reviews.flatMap((review) =>
      review.body.trim() === "" || review.submitted_at === undefined
        ? []
        : [
            {
              id: `review:${review.id}`,
              author: review.user?.login ?? "ghost",
              ...authorId(review.user),
              body: review.body,
              createdAt: review.submitted_at,
            },
          ],
    ),
  ];
  return comments.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}
