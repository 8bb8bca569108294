// The forge contract: where a run's branch is pushed and its pull request opened, watched and
// followed up. One implementation per forge (local/, github/, gitlab/); the platform process holds
// the credentials, the sandbox never sees them.
import type { ForgeConfig } from "../config/config-schema.ts";
import type { Store } from "../store/store.ts";

/** What a run asks the forge to open (or update, when the branch already has an open one). */
export interface PullRequestDraft {
  /** The run's branch, e.g. `slipway/1a2b3c4d`. */
  head: string;
  /** The branch the change is meant for, e.g. `main`. */
  base: string;
  title: string;
  /** Markdown, generated from the run (see pr-body.ts). */
  body: string;
  draft: boolean;
  labels: string[];
  reviewers: string[];
}

export type PullRequestState = "open" | "closed" | "merged";

/** A pull request (merge request, review request) as the forge reports it. */
export interface PullRequest {
  forge: string;
  /** The forge's number for it (GitHub PR number, GitLab MR iid, local review id). */
  number: number;
  url: string;
  head: string;
  base: string;
  /** The head commit the forge knows. */
  headSha: string;
  state: PullRequestState;
  title: string;
}

/** One CI check of a head commit (GitHub check run or commit status, GitLab pipeline job). */
export interface CheckResult {
  name: string;
  state: "pending" | "success" | "failure";
  /** Where a person reads it. */
  url?: string;
  /** An id the forge takes to fetch the job's log. */
  logId?: string;
}

/** A comment or review on a pull request. */
export interface PullRequestComment {
  id: string;
  author: string;
  /** The author's account id on the forge: stable across renames (absent on the local forge). */
  authorId?: string;
  body: string;
  createdAt: string;
}

/** An account on a forge: the one a token acts as, or a comment's author. */
export interface ForgeAccount {
  login: string;
  /** The forge's numeric account id, as text; absent where the forge has none (local). */
  id?: string;
}

/**
 * Every comment Slipway posts carries this (invisible in rendered Markdown), put there by each
 * forge's `comment()`: a comment that carries it is Slipway's own and never read as a request.
 */
export const slipwayCommentMarker = "<!-- slipway:own-comment -->";

/** `body` with Slipway's marker in front (once). */
export function markSlipwayComment(body: string): string {
  return body.startsWith(slipwayCommentMarker) ? body : `${slipwayCommentMarker}\n${body}`;
}

export interface PushRequest {
  /** The bare mirror that holds the run's branch. */
  mirrorPath: string;
  branch: string;
  /** The commit to push as the branch's new head. */
  commit: string;
  /**
   * Force-with-lease: the sha the remote branch must still have (the one Slipway pushed last),
   * or null when the branch must not exist yet. A different sha is someone else's work: the push
   * is refused with a ForgeError (`push_rejected`) and nothing is overwritten.
   */
  expectedRemoteSha: string | null;
  signal: AbortSignal;
}

/** Every forge call can fail with a ForgeError (src/core/errors.ts) whose code says why. */
export interface Forge {
  /** The forge type: `local`, `github`, `gitlab`. */
  readonly name: string;
  /**
   * Where its pull requests live, stable across runs: `owner/repo` on GitHub, the project path on
   * GitLab, the remote repository's absolute path for the local forge. With `name` and a pull
   * request's number it keys the store's record of that pull request.
   */
  readonly repository: string;
  /** How a comment refers to pull request `number` on this forge: `#12` (GitHub, local), `!12` (GitLab). */
  pullRequestReference(number: number): string;
  /** Push `commit` to the forge's remote as `branch`. */
  push(request: PushRequest): Promise<void>;
  /** The head sha of `branch` on the remote, or null when it does not exist. */
  remoteBranchSha(branch: string, signal: AbortSignal): Promise<string | null>;
  /** The pull request (any state) whose head is `head`, newest first; undefined when none. */
  findPullRequest(head: string, signal: AbortSignal): Promise<PullRequest | undefined>;
  createPullRequest(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequest>;
  /** Update title and body of an open pull request (its head moves with the push). */
  updatePullRequest(
    number: number,
    update: { title: string; body: string },
    signal: AbortSignal,
  ): Promise<PullRequest>;
  /** The CI checks of `sha`. */
  checks(sha: string, signal: AbortSignal): Promise<CheckResult[]>;
  /** The log text of one failed check (capped by the caller). */
  checkLog(check: CheckResult, signal: AbortSignal): Promise<string>;
  /** Comments and reviews on the pull request, oldest first. */
  comments(number: number, signal: AbortSignal): Promise<PullRequestComment[]>;
  /**
   * Post a comment on the pull request (answers in the thread, follow-up reports), marked with
   * `slipwayCommentMarker` by the forge itself, whoever calls.
   */
  comment(number: number, body: string, signal: AbortSignal): Promise<void>;
  /**
   * The account the forge's token acts as, whose comments are Slipway's own; undefined when the
   * forge cannot say (a GitHub App's installation token has no user).
   */
  selfAccount(signal: AbortSignal): Promise<ForgeAccount | undefined>;
  /**
   * Whether `account` may write to the repository (GitHub: write, maintain or admin permission;
   * GitLab: Developer or above; local: whoever can run `slipway` on this machine). Only such
   * people may ask Slipway for a follow-up run.
   */
  hasWriteAccess(account: ForgeAccount, signal: AbortSignal): Promise<boolean>;
  /**
   * Post a comment on an issue of the repository (the one a task came from); absent on a forge
   * without issues (local).
   */
  commentOnIssue?(issue: number, body: string, signal: AbortSignal): Promise<void>;
}

/** What a forge factory gets to build the forge for one repository. */
export interface ForgeContext {
  /** The `forge:` section of the configuration (type, remote, draft, labels, reviewers, github, gitlab). */
  settings: ForgeConfig;
  /** The repository the run came from (Task.repo): an absolute local path or a git URL. */
  source: string;
  /** Slipway's store: the local forge keeps its review requests there. */
  store: Store;
  /** The platform process's environment; a forge reads only the token variable its settings name. */
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Where a forge reports what it did not do but did not fail on (a refused reviewer, no drafts). */
  onWarning?: (message: string) => void;
}

/**
 * Builds the forge for one repository before a run starts, so a bad setting (no remote, no token)
 * fails with a ForgeError `forge_not_configured` before anything is written. Registered by name in
 * registry.ts, one folder per forge.
 */
export type ForgeFactory = (context: ForgeContext) => Promise<Forge>;
