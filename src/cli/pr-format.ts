// How `slipway pr` prints pull requests for people: a table for `list`, a page for `show`.
import type { PullRequestComment } from "../forge/forge.ts";
import type { PullRequestRecord } from "../store/pull-request-store.ts";
import { oneLine, renderTable } from "./format.ts";

/** The state a reader cares about: the local review state when there is one, else the forge's. */
function shownState(record: PullRequestRecord): string {
  return record.reviewState ?? record.state;
}

function timestamp(iso: string): string {
  return iso.replace("T", " ").slice(0, 19);
}

export function renderPullRequestTable(records: readonly PullRequestRecord[]): string {
  if (records.length === 0) return "no pull requests yet: a successful `slipway run` opens one";
  const header = ["#", "FORGE", "STATE", "BRANCH", "HEAD", "UPDATED", "TITLE"];
  const body = records.map((record) => [
    String(record.number),
    record.forge,
    shownState(record),
    record.head,
    record.headSha.slice(0, 12),
    timestamp(record.updatedAt),
    oneLine(record.title, 50),
  ]);
  return renderTable(header, body);
}

export function renderPullRequest(
  record: PullRequestRecord,
  comments: readonly PullRequestComment[],
): string {
  const review =
    record.reviewState && record.reviewState !== record.state ? ` (review: ${record.reviewState})` : "";
  const lines = [
    `#${record.number} ${record.title}`,
    `state     ${record.state}${review}`,
    `forge     ${record.forge} · ${record.repository}`,
    `branch    ${record.head} → ${record.base} @ ${record.headSha.slice(0, 12)}`,
    `url       ${record.url}`,
  ];
  if (record.runId) lines.push(`run       ${record.runId} (trace: slipway show ${record.runId})`);
  if (record.taskKey) lines.push(`task key  ${record.taskKey}`);
  lines.push(
    `created   ${timestamp(record.createdAt)} · updated ${timestamp(record.updatedAt)}`,
    "",
    record.body.trimEnd(),
  );
  if (comments.length > 0) {
    lines.push("", "comments");
    for (const comment of comments) {
      lines.push(
        `  ${comment.author} (${timestamp(comment.createdAt)}): ${comment.body.trim().split("\n").join("\n    ")}`,
      );
    }
  }
  return lines.join("\n");
}
