// Stage publish: push the run's branch through the configured forge and open its pull request, or
// update the open one of the same task (same branch, force-with-lease): never a second one. A pull
// request a person closed is not reopened; a refused push overwrites nothing. Either way the run
// ends `publish_failed` and the commit stays on the mirror's branch.
import { ForgeError } from "../core/errors.ts";
import { type RunState, withRunState } from "../core/run-state.ts";
import { quotedCodeBlock } from "../forge/follow-up/untrusted-text.ts";
import type { PullRequest } from "../forge/forge.ts";
import {
  notReopenedMessage,
  originIssueComment,
  type PublishedPullRequest,
  publishedRecord,
  pullRequestDraft,
  pushLease,
} from "./publish-steps.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

function withPullRequest(context: RunContext, published: PublishedPullRequest): RunState {
  return withRunState(context.run.state, { pullRequest: published });
}

async function failed(
  context: RunContext,
  error: ForgeError,
  published?: PublishedPullRequest,
): Promise<StageResult> {
  const kept = `the commit stays on branch ${context.run.branch} of the mirror ${context.mirrorPath}`;
  await recordEvent(context, "publish-fail", { code: error.code, message: error.message, ...error.details });
  return {
    next: "cleanup",
    outcome: "publish_failed",
    outcomeDetail: `${error.message}; ${kept}`,
    update: published ? { state: withPullRequest(context, published) } : undefined,
  };
}

/** Push `run.commit` to the branch, holding the lease of Slipway's last push there. */
async function pushBranch(context: RunContext): Promise<void> {
  const { forge, store } = context.services;
  const { run } = context;
  const lease = await pushLease(context, forge);
  await forge.push({
    mirrorPath: context.mirrorPath!,
    branch: run.branch,
    commit: run.commit!,
    expectedRemoteSha: lease,
    signal: context.signal,
  });
  await store.recordBranchPush({
    forge: forge.name,
    repository: forge.repository,
    branch: run.branch,
    sha: run.commit!,
    runId: run.id,
  });
  await recordEvent(context, "branch-push", {
    forge: forge.name,
    repository: forge.repository,
    branch: run.branch,
    commit: run.commit,
    lease,
  });
}

/** How much of the agent's summary a follow-up comment quotes. */
const followUpSummaryChars = 4000;

/** The comment a follow-up run leaves on its pull request: what it did, and where its trace is. */
function followUpComment(context: RunContext): string {
  const summary = context.finishSummary ?? "(no summary)";
  return [
    `Slipway follow-up run \`${context.run.id}\` pushed ${context.run.commit?.slice(0, 12)} to this branch.`,
    "",
    // The agent's words, shown as quoted code: no mention, image, link, heading or command in them renders.
    "The agent's summary:",
    quotedCodeBlock(summary, followUpSummaryChars),
    "",
    `Trace: \`slipway show ${context.run.id}\``,
  ].join("\n");
}

/**
 * A follow-up keeps the pull request's title and description (they describe the task) and says
 * what it did in a comment; the store's record follows the new head.
 */
async function answerFollowUp(context: RunContext, existing: PullRequest): Promise<PublishedPullRequest> {
  const { forge, store } = context.services;
  await forge.comment(existing.number, followUpComment(context), context.signal);
  const updated = { ...existing, headSha: context.run.commit ?? existing.headSha };
  await store.updatePullRequest(
    { forge: forge.name, repository: forge.repository, number: existing.number },
    { headSha: updated.headSha, runId: context.run.id },
  );
  const published = publishedRecord(forge, updated, "followed_up");
  await recordEvent(context, "pr-follow-up", { ...published, head: updated.headSha });
  return published;
}

/** Open the pull request, or update the open one; the store keeps its record linked to the run. */
async function openOrUpdate(
  context: RunContext,
  existing: PullRequest | undefined,
): Promise<PublishedPullRequest> {
  const { forge, store } = context.services;
  if (existing && context.run.state.followUp) return answerFollowUp(context, existing);
  const draft = await pullRequestDraft(context);
  const pullRequest = existing
    ? await forge.updatePullRequest(existing.number, { title: draft.title, body: draft.body }, context.signal)
    : await forge.createPullRequest(draft, context.signal);
  await store.savePullRequest({
    ...pullRequest,
    repository: forge.repository,
    body: draft.body,
    runId: context.run.id,
    taskKey: context.task.key,
  });
  const published = publishedRecord(forge, pullRequest, existing ? "updated" : "opened");
  await recordEvent(context, existing ? "pr-update" : "pr-open", { ...published, head: pullRequest.headSha });
  return published;
}

/**
 * Comment the new pull request's link on the issue the task came from. A forge without issues, or
 * a comment the forge refuses, is recorded and does not fail the run: the pull request exists.
 */
async function tellOriginIssue(context: RunContext, published: PublishedPullRequest): Promise<void> {
  const issue = context.run.state.originIssue;
  if (typeof issue !== "number") return;
  const { forge } = context.services;
  if (!forge.commentOnIssue) {
    await recordEvent(context, "issue-comment-skip", {
      issue,
      reason: `the ${forge.name} forge has no issues to comment on`,
    });
    return;
  }
  const body = originIssueComment(forge.pullRequestReference(published.number), published, context.run.id);
  try {
    await forge.commentOnIssue(issue, body, context.signal);
    await recordEvent(context, "issue-comment", { issue, pullRequest: published.number });
  } catch (error) {
    if (!(error instanceof ForgeError)) throw error;
    await recordEvent(context, "issue-comment-fail", { issue, code: error.code, message: error.message });
  }
}

export async function publishStage(context: RunContext): Promise<StageResult> {
  const { forge } = context.services;
  let published: PublishedPullRequest | undefined;
  try {
    const existing = await forge.findPullRequest(context.run.branch, context.signal);
    if (existing && existing.state !== "open") {
      published = publishedRecord(forge, existing, "not_reopened");
      throw new ForgeError(notReopenedMessage(existing), {
        code: "pull_request_closed",
        details: { number: existing.number, url: existing.url },
      });
    }
    await pushBranch(context);
    published = await openOrUpdate(context, existing);
    if (published.action === "opened") await tellOriginIssue(context, published);
  } catch (error) {
    if (!(error instanceof ForgeError)) throw error;
    return failed(context, error, published);
  }
  return { next: "cleanup", outcome: "success", update: { state: withPullRequest(context, published) } };
}
