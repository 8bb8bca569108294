// What the live spinner says a run is doing now, from the last event: the stage and what runs
// (a check's name, a tool, a model call being retried). Pure: the live printer only draws it.
import type { ProgressEvent } from "../../pipeline/run-context.ts";
import { formatDuration } from "../../report/figures.ts";
import { oneLine } from "../format.ts";

function toolStatus(data: Record<string, unknown>): string {
  const name = String(data.name);
  if (name === "verify") return `turn ${data.turn}: running the checks`;
  const input = data.input as { command?: unknown; path?: unknown } | undefined;
  const what =
    typeof input?.command === "string" ? input.command : typeof input?.path === "string" ? input.path : "";
  return `turn ${data.turn}: ${name}${what ? ` ${oneLine(what, 60)}` : ""}`;
}

function retryStatus(data: Record<string, unknown>): string {
  return `${data.judge ? "judge " : ""}model call failed, retrying in ${formatDuration(Number(data.delayMs))} (attempt ${data.attempt} of ${data.attempts})`;
}

function names(list: unknown): string {
  const items = Array.isArray(list)
    ? list.map((item) => (typeof item === "string" ? item : String(item?.name)))
    : [];
  return oneLine(items.join(", "), 80);
}

/**
 * The spinner's text after `event`: a new status, `null` when the run ended (no spinner), or
 * undefined to keep the current one.
 */
export function spinnerStatus(event: ProgressEvent): string | null | undefined {
  const data = event.data;
  switch (event.type) {
    case "run-start":
      return "preparing the workspace";
    case "workspace-ready":
      return "setting up";
    case "setup-start":
      return Array.isArray(data.commands) && data.commands.length > 0
        ? `setup: running ${names(data.commands)}`
        : undefined;
    case "model-request":
      return `turn ${data.turn}: waiting for the model`;
    case "model-retry":
      return retryStatus(data);
    case "tool-call":
      return toolStatus(data);
    case "verify-start":
      return `gate: running ${names(data.checks) || "the checks"}`;
    case "tree-freeze":
    case "guards-end":
      return "review: scope guards and judge";
    case "judge-start":
      return "judge: reviewing the change";
    case "commit-create":
      return "publishing";
    case "run-end":
      return null;
    default:
      return undefined;
  }
}
