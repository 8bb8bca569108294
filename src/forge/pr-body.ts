// The pull request's description, generated from the run: what was asked, what changed, how it was
// checked and reviewed, what it cost, and where the full trace is. Short enough to read in a minute.
// Text the agent or the repository chose (summary, task, file and check names) is shown literally:
// it cannot make sections, mentions, images, links or comments.

import type { Run } from "../core/run.ts";
import type { RunState } from "../core/run-state.ts";
import { type ReviewRecord, readReviewRecord } from "../judge/review/review-record.ts";
import { formatCost, formatDuration, formatTokens } from "../report/figures.ts";
import { runTotals } from "../report/run-totals.ts";

/** Past this, a section is cut with a note: the full text is in the run's trace. */
const taskChars = 3000;
const summaryChars = 2000;
const filesShown = 30;

export interface PullRequestBodyInput {
  /** The task as the person wrote it. */
  taskText: string;
  /** The agent's summary from its finish call. */
  summary?: string;
  run: Run;
  /** Epoch ms at publish time: the run's duration so far. */
  now: number;
}

interface CheckLine {
  name: string;
  passed: boolean;
  durationMs: number;
}

function cut(text: string, limit: number): { text: string; note: string } {
  const trimmed = text.trim();
  return trimmed.length > limit
    ? { text: `${trimmed.slice(0, limit)}…`, note: "\n\n_(cut; the whole text is in the trace)_" }
    : { text: trimmed, note: "" };
}

/**
 * Controls (a lone carriage return is a line ending to Markdown) and bidirectional overrides
 * (which make text read other than it is), as visible `\u{…}` escapes; newlines and tabs stay.
 */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu, (char) =>
    char === "\n" || char === "\t" ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`,
  );
}

/** The longest run of backticks in `text`: a code delimiter one longer cannot be closed by it. */
function longestBacktickRun(text: string): number {
  return Math.max(0, ...[...text.matchAll(/`+/g)].map(([run]) => run.length));
}

/** `text` as a fenced code block: nothing inside is Markdown, HTML, a mention or a link. */
function literalBlock(text: string): string {
  const shown = visible(text);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(shown) + 1));
  return `${fence}text\n${shown}\n${fence}`;
}

/** `text` as one inline code span, on one line; `|` escaped for a table cell. */
function literalInline(text: string, inTable = false): string {
  const shown = visible(text.replaceAll("\n", "\\n").replaceAll("\t", "\\t"));
  const delimiter = "`".repeat(longestBacktickRun(shown) + 1);
  const padded = /^[` ]|[` ]$/.test(shown) ? ` ${shown} ` : shown;
  return `${delimiter}${inTable ? padded.replaceAll("|", "\\|") : padded}${delimiter}`;
}

/** The verifier results the gate saved on the run; malformed entries are left out. */
function checkLines(state: RunState): CheckLine[] {
  return state.verification ?? [];
}

function filesSection(files: readonly string[]): string {
  if (files.length === 0) return "**Files changed:** none";
  const shown = files.slice(0, filesShown).map((file) => literalInline(file));
  const more = files.length > filesShown ? `, and ${files.length - filesShown} more` : "";
  return `**Files changed (${files.length}):** ${shown.join(", ")}${more}`;
}

function checksSection(checks: readonly CheckLine[]): string {
  if (checks.length === 0) return "No checks were detected in this repository.";
  const rows = checks.map(
    (check) =>
      `| ${literalInline(check.name, true)} | ${check.passed ? "✅ pass" : "❌ fail"} | ${formatDuration(check.durationMs)} |`,
  );
  return ["| check | result | duration |", "|---|---|---|", ...rows].join("\n");
}

function guardsLine(review: ReviewRecord): string {
  const rounds = review.guardRounds;
  if (rounds.length === 0) return "- Scope guards: not run";
  const refused = rounds.filter((round) => !round.passed).length;
  const last = rounds.at(-1)!;
  const end = last.passed ? "passed" : "refused";
  return `- Scope guards: ${refused === 0 ? "passed" : `refused ${refused}×, then ${end}`}`;
}

function judgeLine(review: ReviewRecord): string {
  if (review.unjudged) return "- Judge: **no valid verdict** (judge.required is false)";
  if (review.verdicts.length === 0) return "- Judge: not run";
  const verdicts = review.verdicts.map((verdict) => verdict.verdict).join(" → ");
  return `- Judge${review.judgeModel ? ` (${review.judgeModel})` : ""}: ${verdicts}`;
}

function runSection(input: PullRequestBodyInput): string {
  const { run } = input;
  const totals = runTotals(run);
  const judgeCost = totals.judgeCostUsd > 0 ? `, judge ${formatCost(totals.judgeCostUsd)}` : "";
  return [
    `${run.turns} turns · ${formatTokens(totals.inputTokens)} tokens in / ${formatTokens(totals.outputTokens)} out · ` +
      `${formatCost(totals.totalCostUsd)} (agent ${formatCost(totals.agentCostUsd)} on ${run.model}${judgeCost}) · ` +
      `${formatDuration(Math.max(0, input.now - Date.parse(run.startedAt)))}`,
    "",
    `Run \`${run.id}\` — the full trace (every model message, tool call, check and verdict): \`slipway show ${run.id}\``,
  ].join("\n");
}

/** The task and the agent's summary, each shown literally and cut to its limit. */
function textSections(input: PullRequestBodyInput): string[] {
  const task = cut(input.taskText, taskChars);
  const summary = input.summary?.trim() ? cut(input.summary, summaryChars) : undefined;
  const summaryText = summary
    ? `The agent's summary, as it wrote it:\n\n${literalBlock(summary.text)}${summary.note}`
    : "_The agent gave no summary._";
  return [
    `## Task\n\n${literalBlock(task.text)}${task.note}`,
    `## What changed\n\n${summaryText}\n\n${filesSection(input.run.filesChanged)}`,
  ];
}

/** The markdown body of the pull request a run opens or updates. */
export function buildPullRequestBody(input: PullRequestBodyInput): string {
  const review = readReviewRecord(input.run.state);
  const sections = [
    ...textSections(input),
    `## Checks\n\n${checksSection(checkLines(input.run.state))}`,
    `## Review\n\n${guardsLine(review)}\n${judgeLine(review)}`,
    `## Run\n\n${runSection(input)}`,
    "_Opened by Slipway. A person reviews and merges; Slipway never merges on its own._",
  ];
  return `${sections.join("\n\n")}\n`;
}
