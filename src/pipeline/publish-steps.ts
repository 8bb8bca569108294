// The steps of the publish stage, each small: the pull request's base branch, the push lease, the
// draft, and what the run keeps of its pull request.
import type { RunState } from "../core/run-state.ts";
import type { Forge, PullRequest, PullRequestDraft } from "../forge/forge.ts";
import { buildPullRequestBody } from "../forge/pr-body.ts";
import { GitCommandError, runGit } from "../workspace/git.ts";
import { hasObject } from "../workspace/mirror-cache.ts";
import type { RunContext } from "./run-context.ts";

/** What a run records of its pull request (run.state.pullRequest, run-state.ts's schema); reports read it back. */
export type PublishedPullRequest = NonNullable<RunState["pullRequest"]>;

/** The pull request saved in a run's state, or undefined when the run published none. */
export function readPublishedPullRequest(state: RunState): PublishedPullRequest | undefined {
  return state.pullRequest;
}

/**
 * The branch the pull request targets: the base ref when it names a branch (`main`, `origin/main`,
 * `refs/heads/main`), else (HEAD, a tag, a sha) the branch the source's HEAD names, else `main`.
 */
export async function baseBranchFor(
  mirrorPath: string,
  baseRef: string,
  signal: AbortSignal,
): Promise<string> {
  const name = baseRef
    .trim()
    .replace(/^refs\/heads\//, "")
    .replace(/^origin\//, "");
  if (name && name !== "HEAD" && (await hasObject(mirrorPath, `refs/heads/${name}`, signal))) return name;
  try {
    const { stdout } = await runGit(["symbolic-ref", "--quiet", "--short", "HEAD"], {
      gitDir: mirrorPath,
      signal,
    });
    return stdout.trim() || "main";
  } catch (error) {
    // A detached HEAD (the source had a commit checked out): no branch to name, use the usual one.
    if (error instanceof GitCommandError && error.exitCode === 1) return "main";
    throw error;
  }
}

/**
 * The sha the remote branch must still hold for the push to go through: the one Slipway pushed
 * there last, or null (the branch must not exist) when Slipway never pushed it. A branch a person
 * deleted holds no work to lose, so it is pushed afresh (and only while it is still absent). A head
 * that a Slipway run committed on this branch is Slipway's own work even when the record of its
 * push is missing (the platform stopped between the push and writing it down), so it is replaced
 * like any other of its pushes.
 */
export async function pushLease(context: RunContext, forge: Forge): Promise<string | null> {
  const { store } = context.services;
  const branch = context.run.branch;
  const last = await store.lastBranchPush({ forge: forge.name, repository: forge.repository, branch });
  const remote = await forge.remoteBranchSha(branch, context.signal);
  if (remote === null) return null;
  if (remote === last?.sha) return remote;
  if (await store.findRunByCommit(branch, remote)) return remote;
  // Someone else's commit: the lease still names what Slipway expects, so the push is refused.
  return last?.sha ?? null;
}

/** The pull request a run proposes: title from the task, body from the run, settings from `forge:`. */
export async function pullRequestDraft(context: RunContext): Promise<PullRequestDraft> {
  const { task, run, services } = context;
  const settings = services.config.forge;
  const summary = context.finishSummary ?? run.state.summary;
  return {
    head: run.branch,
    base: await baseBranchFor(context.mirrorPath!, task.baseRef, context.signal),
    title: task.title,
    body: buildPullRequestBody({ taskText: task.text, summary, run, now: Date.now() }),
    draft: settings.draft,
    labels: settings.labels,
    reviewers: settings.reviewers,
  };
}

/** Why a pull request that is no longer open stops the run, in one line. */
export function notReopenedMessage(pullRequest: PullRequest): string {
  const how = pullRequest.state === "merged" ? "was merged" : "was closed by a person";
  return `pull request #${pullRequest.number} (${pullRequest.url}) of this task ${how}; Slipway does not reopen it or open another for the same task: run with --task-key <a new key> to propose the change again`;
}

export function publishedRecord(
  forge: Forge,
  pullRequest: PullRequest,
  action: PublishedPullRequest["action"],
): PublishedPullRequest {
  const { number, url, state } = pullRequest;
  return { forge: forge.name, repository: forge.repository, number, url, state, action };
}

/** The comment on the issue a task came from; `reference` is the pull request as the forge writes it. */
export function originIssueComment(
  reference: string,
  published: PublishedPullRequest,
  runId: string,
): string {
  return `Slipway opened ${reference} for this issue: ${published.url} (run \`${runId}\`).`;
}
