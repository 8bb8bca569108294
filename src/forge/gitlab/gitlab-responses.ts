// The parts of GitLab's REST responses Slipway reads, as zod schemas, and their mapping to the
// Forge contract (merge requests as pull requests, pipeline jobs as checks, notes as comments).
import { z } from "zod";
import { ForgeError } from "../../core/errors.ts";
import type { CheckResult, PullRequest, PullRequestComment } from "../forge.ts";

export const GitlabMergeRequest = z.object({
  iid: z.number().int(),
  web_url: z.string(),
  state: z.string(),
  title: z.string(),
  source_branch: z.string(),
  target_branch: z.string(),
  sha: z.string().nullable(),
  draft: z.boolean().optional(),
  work_in_progress: z.boolean().optional(),
});
export type GitlabMergeRequest = z.infer<typeof GitlabMergeRequest>;
export const GitlabMergeRequestList = z.array(GitlabMergeRequest);

export const GitlabPipelineList = z.array(
  z.object({ id: z.number().int(), sha: z.string(), status: z.string() }),
);

export const GitlabJob = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.string(),
  allow_failure: z.boolean(),
  web_url: z.string(),
});
export type GitlabJob = z.infer<typeof GitlabJob>;
export const GitlabJobList = z.array(GitlabJob);

export const GitlabNote = z.object({
  id: z.number().int(),
  body: z.string(),
  author: z.object({ id: z.number().int(), username: z.string() }),
  created_at: z.string(),
  system: z.boolean(),
});
export const GitlabNoteList = z.array(GitlabNote);

export const GitlabUser = z.object({ id: z.number().int(), username: z.string() });
export const GitlabUserList = z.array(GitlabUser);

/** A project member (`/projects/:id/members/all/:user_id`): direct or inherited from a group. */
export const GitlabMember = z.object({
  id: z.number().int(),
  username: z.string(),
  access_level: z.number().int(),
  state: z.string().optional(),
});

/** Parse a GitLab response body, or fail with a ForgeError naming what was asked. */
export function parseGitlab<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ForgeError(
    `GitLab answered ${what} with an unexpected body: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    { details: { issues: parsed.error.issues.slice(0, 5) } },
  );
}

export function isDraft(request: GitlabMergeRequest): boolean {
  return request.draft ?? request.work_in_progress ?? false;
}

export function toPullRequest(request: GitlabMergeRequest): PullRequest {
  return {
    forge: "gitlab",
    number: request.iid,
    url: request.web_url,
    head: request.source_branch,
    base: request.target_branch,
    headSha: request.sha ?? "",
    state: request.state === "merged" ? "merged" : request.state === "opened" ? "open" : "closed",
    title: request.title,
  };
}

/** Job statuses that mean "not finished yet". */
const unfinished = new Set([
  "created",
  "waiting_for_resource",
  "preparing",
  "pending",
  "running",
  "scheduled",
]);

const jobLogPrefix = "job:";

export function jobResult(job: GitlabJob): CheckResult {
  let state: CheckResult["state"];
  if (job.status === "success" || job.status === "skipped") state = "success";
  else if (unfinished.has(job.status)) state = "pending";
  // A manual job waits for a person; only a blocking one (allow_failure false) holds the pipeline.
  else if (job.status === "manual") state = job.allow_failure ? "success" : "pending";
  // A job allowed to fail does not fail the pipeline: nothing for a follow-up to fix.
  else state = job.allow_failure ? "success" : "failure";
  return { name: job.name, state, url: job.web_url, logId: `${jobLogPrefix}${job.id}` };
}

/** The job id in a check's logId, or undefined. */
export function jobIdOf(logId: string | undefined): number | undefined {
  if (logId === undefined || !logId.startsWith(jobLogPrefix)) return undefined;
  const id = logId.slice(jobLogPrefix.length);
  return /^\d+$/.test(id) ? Number(id) : undefined;
}

export function noteComment(note: z.infer<typeof GitlabNote>): PullRequestComment {
  return {
    id: `note:${note.id}`,
    author: note.author.username,
    authorId: String(note.author.id),
    body: note.body,
    createdAt: note.created_at,
  };
}
