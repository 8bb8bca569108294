// Test support: what the GitHub double knows (pull requests, check runs, statuses, comments) and
// the failures a test scripts for it. Plain data a test arranges and inspects.

export interface DoublePull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  labels: string[];
  reviewers: string[];
  author: string;
  createdAt: string;
  updatedAt: string;
}

export interface DoubleCheckRun {
  id: number;
  headSha: string;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion:
    | "success"
    | "failure"
    | "neutral"
    | "cancelled"
    | "skipped"
    | "timed_out"
    | "action_required"
    | null;
  /** `github-actions` for an Actions job (its log is the job log); anything else for another app. */
  appSlug: string;
  outputTitle: string | null;
  outputSummary: string | null;
  log: string;
}

export interface DoubleStatus {
  sha: string;
  context: string;
  state: "pending" | "success" | "failure" | "error";
  description: string | null;
  targetUrl: string | null;
}

export interface DoubleComment {
  id: number;
  kind: "issue" | "review-comment" | "review";
  number: number;
  author: string;
  body: string;
  createdAt: string;
  path?: string;
  reviewState?: string;
}

/** A scripted answer: the next `times` requests for `operationId` get it instead of the real one. */
export interface ScriptedFailure {
  operationId: string;
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown> | undefined;
  times: number;
}

export interface GithubDoubleState {
  pulls: DoublePull[];
  checkRuns: DoubleCheckRun[];
  statuses: DoubleStatus[];
  comments: DoubleComment[];
  failures: ScriptedFailure[];
  /** Logins GitHub accepts as reviewers (collaborators). */
  collaborators: Set<string>;
  /** Each login's permission on the repository (`admin`, `write`, `read`); unlisted: `none`. */
  permissions: Map<string, string>;
  /** The login the double's full-rights token acts as (`GET /user`); undefined: a GitHub App's token (403). */
  tokenLogin: string | undefined;
  draftsSupported: boolean;
  nextId: number;
}

export function emptyGithubDoubleState(): GithubDoubleState {
  return {
    pulls: [],
    checkRuns: [],
    statuses: [],
    comments: [],
    failures: [],
    collaborators: new Set(["alice", "bob"]),
    permissions: new Map([
      ["acme", "admin"],
      ["slipway-bot", "write"],
      ["alice", "write"],
      ["bob", "read"],
    ]),
    tokenLogin: "slipway-bot",
    draftsSupported: true,
    nextId: 1,
  };
}

/** Timestamps that increase by one second per call, so "oldest first" is testable. */
export function timestampAfter(state: GithubDoubleState): string {
  const id = state.nextId++;
  return new Date(Date.UTC(2026, 0, 5, 10, 0, id)).toISOString().replace(/\.\d{3}Z$/, "Z");
}
