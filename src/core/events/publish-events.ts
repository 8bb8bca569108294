// Events of the commit and publish stages: the commit, the push, the pull request opened, updated
// or followed up, the origin issue's comment, and a failed publish.
import { z } from "zod";
import { EventPullRequest } from "./event-parts.ts";

const PullRequestEvent = EventPullRequest.extend({ head: z.string() });

export const publishEvents = [
  z.object({
    type: z.literal("commit-create"),
    data: z.object({ commit: z.string(), tree: z.string(), branch: z.string(), files: z.array(z.string()) }),
  }),
  z.object({
    type: z.literal("branch-push"),
    data: z.object({
      forge: z.string(),
      repository: z.string(),
      branch: z.string(),
      commit: z.string().optional(),
      /** The sha the push expected on the remote branch, null when it expected none. */
      lease: z.string().nullable(),
    }),
  }),
  z.object({ type: z.literal("pr-open"), data: PullRequestEvent }),
  z.object({ type: z.literal("pr-update"), data: PullRequestEvent }),
  z.object({ type: z.literal("pr-follow-up"), data: PullRequestEvent }),
  z.object({
    type: z.literal("issue-comment"),
    data: z.object({ issue: z.number(), pullRequest: z.number() }),
  }),
  z.object({
    type: z.literal("issue-comment-skip"),
    data: z.object({ issue: z.number(), reason: z.string() }),
  }),
  z.object({
    type: z.literal("issue-comment-fail"),
    data: z.object({ issue: z.number(), code: z.string(), message: z.string() }),
  }),
  /** The forge error's code and message, with its structured details (URLs redacted) beside them. */
  z.object({
    type: z.literal("publish-fail"),
    data: z.looseObject({ code: z.string(), message: z.string() }),
  }),
] as const;
