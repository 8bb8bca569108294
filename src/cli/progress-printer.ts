// Turns a run's events into short progress lines as they happen (to stderr, so stdout stays
// the report). Pure formatting: `progressLine` decides, output/live-progress.ts writes.
import type { Usage } from "../core/run.ts";
import type { ProgressEvent } from "../pipeline/run-context.ts";
import { oneLine } from "./format.ts";
import { formatCost, formatDuration, formatTokens } from "./output/figures.ts";

interface CheckResult {
  name: string;
  passed: boolean;
  durationMs: number;
  summary: string;
}

function checksLine(data: Record<string, unknown>): string {
  const results = (data.results as CheckResult[] | undefined) ?? [];
  const checks = results.map(
    (check) => `${check.passed ? "✓" : "✗"} ${check.name} (${formatDuration(check.durationMs)})`,
  );
  const label = data.speed === "full" ? "gate  " : "verify";
  return `  ${label} ${checks.length > 0 ? checks.join("  ") : "no checks detected"}`;
}

function setupStartLine(data: Record<string, unknown>): string | undefined {
  const commands = (data.commands as { name: string }[] | undefined) ?? [];
  if (commands.length === 0 || data.enabled === false) return undefined;
  return `  setup  running ${commands.map((command) => command.name).join(", ")}`;
}

function setupEndLine(data: Record<string, unknown>): string | undefined {
  const results = (data.results as { name: string; durationMs: number; cause?: string }[] | undefined) ?? [];
  if (typeof data.restoredFrom === "string") return "  setup  ✓ restored from a warm snapshot";
  if (results.length === 0) return undefined;
  const commands = results.map(
    (result) => `${result.cause ? "✗" : "✓"} ${result.name} (${formatDuration(result.durationMs)})`,
  );
  return `  setup  ${commands.join("  ")}`;
}

function usageText(usage: Usage): string {
  return `${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out · ${formatCost(usage.costUsd)}`;
}

/** The line to print for `event`, or undefined for events that stay in the trace only. */
export function progressLine(event: ProgressEvent): string | undefined {
  const data = event.data;
  switch (event.type) {
    case "run-start":
      return `▸ run ${event.runId} · ${data.model} · sandbox ${data.sandbox}${data.isolated ? "" : " (NO ISOLATION)"} · branch ${data.branch}`;
    case "workspace-ready":
      return `▸ workspace ready at base ${String(data.baseCommit).slice(0, 12)} (${formatDuration(Number(data.durationMs))})`;
    case "model-response": {
      const calls = (data.toolCalls as { toolName: string }[]).map((call) => call.toolName).join(", ");
      return `▸ turn ${data.turn} · ${calls || "text only"} · total ${usageText(data.totalUsage as Usage)}`;
    }
    case "tool-result":
      // The verify tool's checks were just printed by its verify-end line, each with its own mark;
      // its text would add a second mark (a ✓ for the tool beside a ✗ for a check).
      if (data.name === "verify" && !data.isError) return undefined;
      return `  ${data.isError ? "✗" : "✓"} ${data.name}: ${oneLine(String(data.text), 100)}`;
    case "model-retry":
      return `▸ ${data.judge ? "judge " : ""}model call failed (${oneLine(String(data.reason), 80)}), retrying in ${formatDuration(Number(data.delayMs))} (attempt ${data.attempt} of ${data.attempts})`;
    case "setup-start":
      return setupStartLine(data);
    case "setup-end":
      return setupEndLine(data);
    case "verify-start":
      return `  gate   running ${(data.checks as string[] | undefined)?.join(", ") || "the checks"}`;
    case "verify-end":
      return checksLine(data);
    case "guards-end": {
      const findings = (data.findings as unknown[] | undefined)?.length ?? 0;
      return `  guards ${data.passed ? "✓ in scope" : `✗ ${findings} finding${findings === 1 ? "" : "s"}`}`;
    }
    case "judge-end":
      return data.valid
        ? `  judge  ${data.verdict === "approve" ? "✓ approve" : `✗ veto (${(data.problems as unknown[]).length} problems)`} · ${usageText(data.usage as Usage)}`
        : `  judge  ✗ no valid verdict: ${oneLine(String(data.detail), 100)}`;
    case "limit-reach":
      return `▸ limit reached: ${data.detail}`;
    case "model-fail":
      return `▸ model failed: ${data.message}`;
    case "commit-create":
      return `▸ commit ${String(data.commit).slice(0, 12)} on ${data.branch}`;
    case "branch-deliver":
      return `▸ branch ${data.branch} is in ${data.repo}`;
    case "branch-push":
      return `▸ pushed ${data.branch} to ${data.repository} (${data.forge})`;
    case "pr-open":
    case "pr-update":
      return `▸ pull request #${data.number} ${data.action}: ${data.forge === "local" ? `slipway pr show ${data.number}` : data.url}`;
    case "publish-fail":
      return `▸ not published: ${data.message}`;
    case "run-error":
      return `▸ error: ${data.message}`;
    default:
      return undefined;
  }
}
