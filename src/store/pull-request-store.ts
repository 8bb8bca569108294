// The store's part of the forge family: a record of every pull request Slipway opened (on any
// forge), the local forge's review requests and their comments, and the last sha Slipway pushed to
// each branch (the lease a forced push must hold).
import type { PullRequest, PullRequestComment } from "../forge/forge.ts";

/** The local forge's own review state; other forges leave it unset (their reviews live on the forge). */
export const localReviewStates = ["open", "approved", "closed"] as const;
export type LocalReviewState = (typeof localReviewStates)[number];

/** A pull request as Slipway records it: what the forge reported, plus its link to a task and run. */
export interface PullRequestRecord extends PullRequest {
  /** See Forge.repository: `owner/repo`, the GitLab project, the local remote's path. */
  repository: string;
  body: string;
  reviewState?: LocalReviewState;
  /** The last run that opened or updated it. */
  runId?: string;
  /** The key of the task it serves (see Task.key). */
  taskKey?: string;
  createdAt: string;
  updatedAt: string;
}

/** What names one pull request in the store. */
export interface PullRequestKey {
  forge: string;
  repository: string;
  number: number;
}

/** A record to insert: without a number the store takes the forge's next free one (the local forge). */
export type NewPullRequest = Omit<PullRequestRecord, "number" | "createdAt" | "updatedAt"> & {
  number?: number;
};

/** Fields an update may change; undefined fields stay as they are. */
export type PullRequestUpdate = Partial<
  Pick<
    PullRequestRecord,
    "url" | "headSha" | "state" | "reviewState" | "title" | "body" | "runId" | "taskKey"
  >
>;

export interface PullRequestQuery {
  forge?: string;
  repository?: string;
  head?: string;
  number?: number;
  limit: number;
}

/** The sha Slipway last pushed to a branch of a forge's repository. */
export interface BranchPush {
  forge: string;
  repository: string;
  branch: string;
  sha: string;
  runId: string;
  pushedAt: string;
}

export interface PullRequestStore {
  /** Insert a new record; refuses (StoreError) a key that exists. */
  createPullRequest(record: NewPullRequest): Promise<PullRequestRecord>;
  /**
   * Insert the record, or update the one with the same key: every given field is written, and an
   * update keeps `createdAt` and any `reviewState`, `runId`, `taskKey` the record leaves undefined.
   */
  savePullRequest(record: Omit<PullRequestRecord, "createdAt" | "updatedAt">): Promise<PullRequestRecord>;
  /** Change some fields in one transaction; throws StoreError(not_found) for an unknown key. */
  updatePullRequest(key: PullRequestKey, update: PullRequestUpdate): Promise<PullRequestRecord>;
  getPullRequest(key: PullRequestKey): Promise<PullRequestRecord | undefined>;
  /** Newest first (by creation, then number). */
  listPullRequests(query: PullRequestQuery): Promise<PullRequestRecord[]>;
  /** Append a comment to a pull request; the store assigns its id. Throws not_found for an unknown key. */
  addPullRequestComment(
    key: PullRequestKey,
    comment: Omit<PullRequestComment, "id" | "createdAt">,
  ): Promise<PullRequestComment>;
  /** Oldest first. */
  listPullRequestComments(key: PullRequestKey): Promise<PullRequestComment[]>;
  /** Remember that `sha` is what Slipway pushed to the branch last (replaces the previous one). */
  recordBranchPush(push: Omit<BranchPush, "pushedAt">): Promise<void>;
  lastBranchPush(key: { forge: string; repository: string; branch: string }): Promise<BranchPush | undefined>;
}
