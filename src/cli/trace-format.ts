// Renders a run's whole trace for `slipway show` and `slipway logs`: every model message, tool call
// and result, and verifier output, in order. Rows are read with the event schema; one that does not
// parse (an older version's, a damaged one) is shown with its raw type and data, never thrown.
import { type ReadRunEvent, readRunEvent } from "../core/events/run-events.ts";
import type { RunEvent } from "../core/run.ts";
import { toJson } from "./output/figures.ts";
import { terminalSafe } from "./output/terminal-text.ts";

function indent(text: string, prefix = "    "): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

function eventBody(event: ReadRunEvent): string {
  switch (event.type) {
    case "agent-start":
      return indent(event.data.task);
    case "model-response": {
      const lines = [event.data.text.trim()].filter(Boolean);
      for (const call of event.data.toolCalls) lines.push(`→ ${call.toolName} ${JSON.stringify(call.input)}`);
      return indent(lines.join("\n") || "(empty)");
    }
    case "tool-call":
      return "";
    case "tool-result":
      return indent(event.data.text);
    case "verify-end":
      return indent(event.data.summary ?? JSON.stringify(event.data.results));
    case "unknown":
      return indent(`(not a known event: ${event.problem})\n${toJson(event.data, 0)}`);
    default:
      return indent(toJson(event.data, 0));
  }
}

function headingDetail(event: ReadRunEvent): string {
  switch (event.type) {
    case "model-response":
      return ` turn ${event.data.turn}`;
    case "tool-call":
      return ` ${event.data.name}`;
    case "tool-result":
      return ` ${event.data.name}${event.data.isError ? " (error)" : ""}`;
    default:
      return "";
  }
}

function eventHeading(event: ReadRunEvent, startedAt: number): string {
  const offset = ((Date.parse(event.at) - startedAt) / 1000).toFixed(1).padStart(7);
  const type = event.type === "unknown" ? `${event.rawType} (unknown)` : event.type;
  return `#${String(event.seq).padStart(3, "0")} +${offset} s  ${event.stage.padEnd(9)} ${type}${headingDetail(event)}`;
}

/**
 * One event as the trace shows it, its time counted from `startedAt` (epoch ms); `logs -f` prints
 * these. Terminal-safe: the text is the agent's and its programs' output.
 */
export function renderTraceEvent(row: RunEvent, startedAt: number): string {
  const event = readRunEvent(row);
  const body = eventBody(event);
  return terminalSafe(body ? `${eventHeading(event, startedAt)}\n${body}` : eventHeading(event, startedAt));
}

export function renderTrace(events: RunEvent[]): string {
  if (events.length === 0) return "(no events)";
  const startedAt = Date.parse(events[0]!.at);
  return events.map((event) => renderTraceEvent(event, startedAt)).join("\n");
}
