// The parts of GitHub's REST responses Slipway reads, as zod schemas: every response is parsed
// here before use, so a changed or broken answer fails loudly at the boundary.
import { z } from "zod";
import { ForgeError } from "../../core/errors.ts";
import type { PullRequest } from "../forge.ts";

const GithubUser = z.object({ login: z.string(), id: z.number().int() }).nullable();

/** `GET /user`: the account the token acts as. */
export const GithubAuthenticatedUser = z.object({ login: z.string(), id: z.number().int() });

/** `GET /repos/{owner}/{repo}/collaborators/{username}/permission`. */
export const GithubCollaboratorPermission = z.object({
  permission: z.string(),
  role_name: z.string(),
  user: z.object({ login: z.string(), id: z.number().int() }).nullable(),
});

export const GithubPullRequest = z.object({
  number: z.number().int(),
  html_url: z.string(),
  state: z.string(),
  title: z.string(),
  merged_at: z.string().nullable(),
  head: z.object({ ref: z.string(), sha: z.string() }),
  base: z.object({ ref: z.string() }),
});
export type GithubPullRequest = z.infer<typeof GithubPullRequest>;

export const GithubPullRequestList = z.array(GithubPullRequest);

export const GithubCheckRun = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
  html_url: z.string().nullable(),
  details_url: z.string().nullable(),
  app: z.object({ slug: z.string().optional() }).nullable(),
  output: z.object({
    title: z.string().nullable(),
    summary: z.string().nullable(),
    text: z.string().nullable(),
  }),
});
export type GithubCheckRun = z.infer<typeof GithubCheckRun>;

export const GithubCheckRunList = z.object({
  total_count: z.number().int(),
  check_runs: z.array(GithubCheckRun),
});

export const GithubCommitStatus = z.object({
  context: z.string(),
  state: z.string(),
  target_url: z.string().nullable(),
  description: z.string().nullable(),
});
export type GithubCommitStatus = z.infer<typeof GithubCommitStatus>;

export const GithubCombinedStatus = z.object({
  state: z.string(),
  total_count: z.number().int(),
  statuses: z.array(GithubCommitStatus),
});

export const GithubIssueComment = z.object({
  id: z.number().int(),
  user: GithubUser,
  body: z.string().optional(),
  created_at: z.string(),
});
export const GithubIssueCommentList = z.array(GithubIssueComment);

export const GithubReviewComment = z.object({
  id: z.number().int(),
  user: GithubUser,
  body: z.string(),
  created_at: z.string(),
});
export const GithubReviewCommentList = z.array(GithubReviewComment);

export const GithubReview = z.object({
  id: z.number().int(),
  user: GithubUser,
  body: z.string(),
  state: z.string(),
  submitted_at: z.string().optional(),
});
export const GithubReviewList = z.array(GithubReview);

/** Parse a GitHub response body, or fail with a ForgeError naming what was asked. */
export function parseGithub<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.join(".") || "(root)";
  throw new ForgeError(`GitHub answered ${what} with an unexpected body: ${where}: ${issue?.message}`, {
    details: { issues: parsed.error.issues.slice(0, 5) },
  });
}

/** GitHub's pull request as the Forge contract reports it. */
export function toPullRequest(pull: GithubPullRequest): PullRequest {
  return {
    forge: "github",
    number: pull.number,
    url: pull.html_url,
    head: pull.head.ref,
    base: pull.base.ref,
    headSha: pull.head.sha,
    state: pull.merged_at !== null ? "merged" : pull.state === "open" ? "open" : "closed",
    title: pull.title,
  };
}
