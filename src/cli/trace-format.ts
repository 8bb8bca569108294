// Renders a run's whole trace for `slipway show`: every model message, tool call and result,
// and verifier output, in order.
import type { RunEvent } from "../core/run.ts";
import { toJson } from "./output/figures.ts";

function indent(text: string, prefix = "    "): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

function eventBody(event: RunEvent): string {
  const data = event.data;
  switch (event.type) {
    case "agent-start":
      return indent(String(data.task));
    case "model-response": {
      const calls = (data.toolCalls as { toolName: string; input: unknown }[]) ?? [];
      const lines = [String(data.text ?? "").trim()].filter(Boolean);
      for (const call of calls) lines.push(`→ ${call.toolName} ${JSON.stringify(call.input)}`);
      return indent(lines.join("\n") || "(empty)");
    }
    case "tool-call":
      return "";
    case "tool-result":
      return indent(String(data.text ?? ""));
    case "verify-end":
      return indent(String(data.summary ?? JSON.stringify(data.results)));
    default:
      return indent(toJson(data, 0));
  }
}

function eventHeading(event: RunEvent, startedAt: number): string {
  const offset = ((Date.parse(event.at) - startedAt) / 1000).toFixed(1).padStart(7);
  const data = event.data;
  const detail =
    event.type === "model-response"
      ? ` turn ${data.turn}`
      : event.type === "tool-call" || event.type === "tool-result"
        ? ` ${data.name}${data.isError ? " (error)" : ""}`
        : "";
  return `#${String(event.seq).padStart(3, "0")} +${offset} s  ${event.stage.padEnd(9)} ${event.type}${detail}`;
}

/** One event as the trace shows it, its time counted from `startedAt` (epoch ms); `logs -f` prints these. */
export function renderTraceEvent(event: RunEvent, startedAt: number): string {
  const body = eventBody(event);
  return body ? `${eventHeading(event, startedAt)}\n${body}` : eventHeading(event, startedAt);
}

export function renderTrace(events: RunEvent[]): string {
  if (events.length === 0) return "(no events)";
  const startedAt = Date.parse(events[0]!.at);
  return events.map((event) => renderTraceEvent(event, startedAt)).join("\n");
}
