// Turns a run's events into short progress lines as they happen (to stderr, so stdout stays
// the report). Pure formatting: `progressLine` decides, output/live-progress.ts writes.
import type { RunEventDataOf } from "../core/events/run-events.ts";
import type { Usage } from "../core/run.ts";
import type { ProgressEvent } from "../pipeline/run-context.ts";
import { oneLine } from "./format.ts";
import { formatCost, formatDuration, formatTokens } from "./output/figures.ts";

function checksLine(data: RunEventDataOf<"verify-end">): string {
  const checks = data.results.map(
    (check) => `${check.passed ? "✓" : "✗"} ${check.name} (${formatDuration(check.durationMs)})`,
  );
  const label = data.speed === "full" ? "gate  " : "verify";
  return `  ${label} ${checks.length > 0 ? checks.join("  ") : "no checks detected"}`;
}

function setupStartLine(data: RunEventDataOf<"setup-start">): string | undefined {
  if (data.commands.length === 0 || !data.enabled) return undefined;
  return `  setup  running ${data.commands.map((command) => command.name).join(", ")}`;
}

function setupEndLine(data: RunEventDataOf<"setup-end">): string | undefined {
  if (data.restoredFrom !== undefined) return "  setup  ✓ restored from a warm snapshot";
  if (data.results.length === 0) return undefined;
  const commands = data.results.map(
    (result) => `${result.cause ? "✗" : "✓"} ${result.name} (${formatDuration(result.durationMs)})`,
  );
  return `  setup  ${commands.join("  ")}`;
}

function judgeLine(data: RunEventDataOf<"judge-end">): string {
  if (!data.valid) return `  judge  ✗ no valid verdict: ${oneLine(data.detail ?? "", 100)}`;
  const verdict =
    data.verdict === "approve" ? "✓ approve" : `✗ veto (${data.problems?.length ?? 0} problems)`;
  return `  judge  ${verdict} · ${usageText(data.usage)}`;
}

function usageText(usage: Usage): string {
  return `${formatTokens(usage.inputTokens)} in / ${formatTokens(usage.outputTokens)} out · ${formatCost(usage.costUsd)}`;
}

/** The line to print for `event`, or undefined for events that stay in the trace only. */
export function progressLine(event: ProgressEvent): string | undefined {
  switch (event.type) {
    case "run-start": {
      const { data } = event;
      return `▸ run ${event.runId} · ${data.model} · sandbox ${data.sandbox}${data.isolated ? "" : " (NO ISOLATION)"} · branch ${data.branch}`;
    }
    case "workspace-ready":
      return `▸ workspace ready at base ${event.data.baseCommit.slice(0, 12)} (${formatDuration(event.data.durationMs)})`;
    case "model-response": {
      const calls = event.data.toolCalls.map((call) => call.toolName).join(", ");
      return `▸ turn ${event.data.turn} · ${calls || "text only"} · total ${usageText(event.data.totalUsage)}`;
    }
    case "tool-result": {
      const { data } = event;
      // The verify tool's checks were just printed by its verify-end line, each with its own mark;
      // its text would add a second mark (a ✓ for the tool beside a ✗ for a check).
      if (data.name === "verify" && !data.isError) return undefined;
      return `  ${data.isError ? "✗" : "✓"} ${data.name}: ${oneLine(data.text, 100)}`;
    }
    case "model-retry": {
      const { data } = event;
      return `▸ ${data.judge ? "judge " : ""}model call failed (${oneLine(data.reason, 80)}), retrying in ${formatDuration(data.delayMs)} (attempt ${data.attempt} of ${data.attempts})`;
    }
    case "setup-start":
      return setupStartLine(event.data);
    case "setup-end":
      return setupEndLine(event.data);
    case "verify-start":
      return `  gate   running ${event.data.checks.join(", ") || "the checks"}`;
    case "verify-end":
      return checksLine(event.data);
    case "guards-end": {
      const findings = event.data.findings.length;
      return `  guards ${event.data.passed ? "✓ in scope" : `✗ ${findings} finding${findings === 1 ? "" : "s"}`}`;
    }
    case "judge-end":
      return judgeLine(event.data);
    case "limit-reach":
      return `▸ limit reached: ${event.data.detail}`;
    case "model-fail":
      return `▸ model failed: ${event.data.message}`;
    case "commit-create":
      return `▸ commit ${event.data.commit.slice(0, 12)} on ${event.data.branch}`;
    case "branch-push":
      return `▸ pushed ${event.data.branch} to ${event.data.repository} (${event.data.forge})`;
    case "pr-open":
    case "pr-update": {
      const { data } = event;
      return `▸ pull request #${data.number} ${data.action}: ${data.forge === "local" ? `slipway pr show ${data.number}` : data.url}`;
    }
    case "publish-fail":
      return `▸ not published: ${event.data.message}`;
    case "run-error":
      return `▸ error: ${event.data.message}`;
    default:
      return undefined;
  }
}
