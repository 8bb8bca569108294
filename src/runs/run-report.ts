// The report printed when a run ends, for humans and (as an object) for --json.
import type { Run, Task } from "../core/run.ts";
import { readReviewRecord } from "../judge/review/review-record.ts";
import { type PublishedPullRequest, readPublishedPullRequest } from "../pipeline/publish-steps.ts";
import { formatCost, formatDuration, formatTokens } from "../report/figures.ts";
import { type RunTotals, runTotals } from "../report/run-totals.ts";

interface VerifierLine {
  name: string;
  passed: boolean;
  durationMs: number;
  summary?: string;
}

export interface RunReport {
  runId: string;
  outcome: string;
  detail?: string;
  repo: string;
  branch: string;
  commit?: string;
  filesChanged: string[];
  verification: VerifierLine[];
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Agent and judge together: the figures `runs`, `stats` and the PR body print for this run. */
  totals: RunTotals;
  durationMs: number;
  model: string;
  sandbox: string;
  review: ReviewSummary;
  /** The pull request the run opened or updated (or found closed); absent when it published none. */
  pullRequest?: PublishedPullRequest;
}

interface ReviewSummary {
  /** Guard passes that failed, in order. */
  guardFailures: number;
  /** Every verdict the judge gave, in order: "approve" or "veto". */
  verdicts: string[];
  /** The last verdict's problems, one line each. */
  problems: string[];
  judgeModel?: string;
  judgeInputTokens: number;
  judgeOutputTokens: number;
  judgeCostUsd: number;
  unjudged: boolean;
}

function reviewSummary(run: Run): ReviewSummary {
  const record = readReviewRecord(run.state);
  const last = record.verdicts.at(-1);
  return {
    guardFailures: record.guardRounds.filter((round) => !round.passed).length,
    verdicts: record.verdicts.map((verdict) => verdict.verdict),
    problems: (last?.problems ?? []).map(
      (problem) =>
        `${problem.file}${problem.line ? `:${problem.line}` : ""} [${problem.kind}] ${problem.explanation}`,
    ),
    judgeModel: record.judgeModel,
    judgeInputTokens: record.judgeUsage.inputTokens,
    judgeOutputTokens: record.judgeUsage.outputTokens,
    judgeCostUsd: record.judgeUsage.costUsd,
    unjudged: record.unjudged ?? false,
  };
}

function reviewLines(review: ReviewSummary): string[] {
  const lines: string[] = [];
  if (review.guardFailures > 0) lines.push(`guards    failed ${review.guardFailures}×`);
  if (review.verdicts.length > 0) {
    lines.push(
      `judge     ${review.verdicts.join(" → ")} (${review.judgeModel ?? "?"}, ${formatTokens(review.judgeInputTokens)} in / ${formatTokens(review.judgeOutputTokens)} out, ${formatCost(review.judgeCostUsd)})`,
    );
  }
  if (review.unjudged) lines.push("judge     no valid verdict (judge.required is false)");
  for (const problem of review.problems) lines.push(`          ${problem}`);
  return lines;
}

function pullRequestLine(pullRequest: PublishedPullRequest): string {
  const action = {
    opened: "opened",
    updated: "updated",
    followed_up: "followed up (comment posted)",
    not_reopened: `${pullRequest.state}, not reopened`,
  }[pullRequest.action];
  // A local review request has no web page: the command that shows it is the link.
  const where = pullRequest.forge === "local" ? `slipway pr show ${pullRequest.number}` : pullRequest.url;
  return `pr        #${pullRequest.number} ${action} (${pullRequest.forge}) · ${where}`;
}

export function buildRunReport(run: Run, task: Task): RunReport {
  const ended = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  const verification = run.state.verification ?? [];
  return {
    runId: run.id,
    outcome: run.outcome ?? "running",
    detail: run.outcomeDetail,
    repo: task.repo,
    branch: run.branch,
    commit: run.commit,
    filesChanged: run.filesChanged,
    verification,
    turns: run.turns,
    inputTokens: run.usage.inputTokens,
    outputTokens: run.usage.outputTokens,
    costUsd: run.usage.costUsd,
    totals: runTotals(run),
    durationMs: ended - Date.parse(run.startedAt),
    model: run.model,
    sandbox: run.sandbox,
    review: reviewSummary(run),
    pullRequest: readPublishedPullRequest(run.state),
  };
}

export function renderRunReport(report: RunReport): string {
  const lines = [
    "",
    `outcome   ${report.outcome}${report.detail ? ` — ${report.detail.split("\n")[0]}` : ""}`,
    `run       ${report.runId}`,
    `branch    ${report.branch}${report.commit ? ` @ ${report.commit.slice(0, 12)}` : " (no commit)"}`,
    `files     ${report.filesChanged.length > 0 ? report.filesChanged.join(", ") : "none"}`,
  ];
  if (report.pullRequest) lines.push(pullRequestLine(report.pullRequest));
  for (const check of report.verification) {
    lines.push(`verify    ${check.passed ? "✓" : "✗"} ${check.name} (${formatDuration(check.durationMs)})`);
  }
  lines.push(...reviewLines(report.review));
  lines.push(
    `turns     ${report.turns}`,
    `tokens    ${formatTokens(report.totals.inputTokens)} in / ${formatTokens(report.totals.outputTokens)} out${report.review.judgeCostUsd > 0 || report.review.judgeInputTokens > 0 ? " (agent and judge)" : ""}`,
    `cost      ${formatCost(report.totals.totalCostUsd)} (agent ${formatCost(report.totals.agentCostUsd)} on ${report.model}${report.totals.judgeCostUsd > 0 ? `, judge ${formatCost(report.totals.judgeCostUsd)}` : ""})`,
    `duration  ${formatDuration(report.durationMs)}`,
    `trace     slipway show ${report.runId}`,
  );
  return lines.join("\n");
}
