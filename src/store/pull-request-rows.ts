// Rows of the pull-request tables (pull_requests, pull_request_comments, branch_pushes) into their
// stored shapes, validated: the same columns on SQLite and Postgres, so one mapper serves both.
import type { PullRequestComment } from "../forge/forge.ts";
import { StoredBranchPush, StoredPullRequest, StoredPullRequestComment } from "./pull-request-schemas.ts";
import type { BranchPush, PullRequestRecord } from "./pull-request-store.ts";
import { compact, optional, type Row } from "./sqlite/sqlite-rows.ts";
import { parseStored } from "./store-schemas.ts";

/** A pull_requests row; `location` names the store in the error a damaged row raises. */
export function rowToPullRequest(row: Row, location: string): PullRequestRecord {
  const value = {
    forge: row.forge,
    repository: row.repository,
    number: row.number,
    url: row.url,
    head: row.head,
    base: row.base,
    headSha: row.head_sha,
    state: row.state,
    reviewState: optional(row.review_state),
    title: row.title,
    body: row.body,
    runId: optional(row.run_id),
    taskKey: optional(row.task_key),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  const what = `pull request #${String(row.number)} of ${String(row.forge)}`;
  return parseStored(StoredPullRequest, compact(value), what, location);
}

/** A pull_request_comments row. */
export function rowToPullRequestComment(row: Row, location: string): PullRequestComment {
  const value = { id: String(row.id), author: row.author, body: row.body, createdAt: row.created_at };
  return parseStored(StoredPullRequestComment, value, `comment ${String(row.id)}`, location);
}

/** A branch_pushes row. */
export function rowToBranchPush(row: Row, location: string): BranchPush {
  const value = {
    forge: row.forge,
    repository: row.repository,
    branch: row.branch,
    sha: row.sha,
    runId: row.run_id,
    pushedAt: row.pushed_at,
  };
  return parseStored(StoredBranchPush, value, `the push of ${String(row.branch)}`, location);
}
