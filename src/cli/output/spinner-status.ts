// What the live spinner says a run is doing now, from the last event: the stage and what runs
// (a check's name, a tool, a model call being retried). Pure: the live printer only draws it.
import type { RunEventDataOf } from "../../core/events/run-events.ts";
import type { ProgressEvent } from "../../pipeline/run-context.ts";
import { formatDuration } from "../../report/figures.ts";
import { oneLine } from "../format.ts";

/** A tool call's input is the model's (any JSON): only a string command or path is shown. */
function toolStatus(data: RunEventDataOf<"tool-call">): string {
  const input = typeof data.input === "object" && data.input !== null ? data.input : {};
  if (data.name === "verify") return `turn ${data.turn}: running the checks`;
  const command = "command" in input ? input.command : undefined;
  const path = "path" in input ? input.path : undefined;
  const what = typeof command === "string" ? command : typeof path === "string" ? path : "";
  return `turn ${data.turn}: ${data.name}${what ? ` ${oneLine(what, 60)}` : ""}`;
}

function retryStatus(data: RunEventDataOf<"model-retry">): string {
  return `${data.judge ? "judge " : ""}model call failed, retrying in ${formatDuration(data.delayMs)} (attempt ${data.attempt} of ${data.attempts})`;
}

function names(list: readonly (string | { name: string })[]): string {
  return oneLine(list.map((item) => (typeof item === "string" ? item : item.name)).join(", "), 80);
}

/**
 * The spinner's text after `event`: a new status, `null` when the run ended (no spinner), or
 * undefined to keep the current one.
 */
export function spinnerStatus(event: ProgressEvent): string | null | undefined {
  switch (event.type) {
    case "run-start":
      return "preparing the workspace";
    case "workspace-ready":
      return "setting up";
    case "setup-start":
      return event.data.commands.length > 0 ? `setup: running ${names(event.data.commands)}` : undefined;
    case "model-request":
      return `turn ${event.data.turn}: waiting for the model`;
    case "model-retry":
      return retryStatus(event.data);
    case "tool-call":
      return toolStatus(event.data);
    case "verify-start":
      return `gate: running ${names(event.data.checks) || "the checks"}`;
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
