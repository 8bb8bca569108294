// The report printed when a run ends, for humans and (as an object) for --json.
import type { Run, Task } from "../core/run.ts";
import { formatCost, formatDuration, formatTokens } from "./format.ts";

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
  durationMs: number;
  model: string;
  sandbox: string;
}

export function buildRunReport(run: Run, task: Task): RunReport {
  const ended = run.endedAt ? Date.parse(run.endedAt) : Date.now();
  const verification = Array.isArray(run.state.verification)
    ? (run.state.verification as VerifierLine[])
    : [];
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
    durationMs: ended - Date.parse(run.startedAt),
    model: run.model,
    sandbox: run.sandbox,
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
  for (const check of report.verification) {
    lines.push(`verify    ${check.passed ? "✓" : "✗"} ${check.name} (${formatDuration(check.durationMs)})`);
  }
  lines.push(
    `turns     ${report.turns}`,
    `tokens    ${formatTokens(report.inputTokens)} in / ${formatTokens(report.outputTokens)} out`,
    `cost      ${formatCost(report.costUsd)} (${report.model})`,
    `duration  ${formatDuration(report.durationMs)}`,
    `trace     slipway show ${report.runId}`,
  );
  return lines.join("\n");
}
