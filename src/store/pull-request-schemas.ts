// Zod schemas for the pull-request records a store reads back, shared by every store implementation.
import { z } from "zod";
import type { PullRequestComment } from "../forge/forge.ts";
import { type BranchPush, localReviewStates, type PullRequestRecord } from "./pull-request-store.ts";

const isoTime = z.string().min(1);

/** A pull request as stored. */
export const StoredPullRequest: z.ZodType<PullRequestRecord> = z.object({
  forge: z.string().min(1),
  repository: z.string().min(1),
  number: z.number().int().positive(),
  url: z.string(),
  head: z.string().min(1),
  base: z.string().min(1),
  headSha: z.string(),
  state: z.enum(["open", "closed", "merged"]),
  reviewState: z.enum(localReviewStates).optional(),
  title: z.string(),
  body: z.string(),
  runId: z.string().min(1).optional(),
  taskKey: z.string().min(1).optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** A comment as stored. */
export const StoredPullRequestComment: z.ZodType<PullRequestComment> = z.object({
  id: z.string().min(1),
  author: z.string(),
  body: z.string(),
  createdAt: isoTime,
});

/** A branch push as stored. */
export const StoredBranchPush: z.ZodType<BranchPush> = z.object({
  forge: z.string().min(1),
  repository: z.string().min(1),
  branch: z.string().min(1),
  sha: z.string().min(1),
  runId: z.string().min(1),
  pushedAt: isoTime,
});
