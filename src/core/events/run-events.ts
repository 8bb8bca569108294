// The one versioned schema of every event a run records: a discriminated union on `type`, the
// generic types recording is checked against, and the reader that never throws on an old row.
import { z } from "zod";
import type { RunEvent, RunStage } from "../run.ts";
import { agentEvents } from "./agent-events.ts";
import { budgetEvents } from "./budget-events.ts";
import { EventStage } from "./event-parts.ts";
import { publishEvents } from "./publish-events.ts";
import { reviewEvents } from "./review-events.ts";
import { runLifecycleEvents } from "./run-lifecycle-events.ts";
import { setupEvents } from "./setup-events.ts";

/** Bumped when an event changes incompatibly (a field removed or retyped); adding one is not. */
export const runEventsSchemaVersion = 1;

/** An event's `type` and `data`, as recorded: one member per event type. */
export const RunEventBody = z.discriminatedUnion("type", [
  ...runLifecycleEvents,
  ...setupEvents,
  ...agentEvents,
  ...reviewEvents,
  ...publishEvents,
  ...budgetEvents,
]);
export type RunEventBody = z.infer<typeof RunEventBody>;
export type RunEventType = RunEventBody["type"];

/** The parsed `data` of an event of `type`, as readers see it. */
export type RunEventDataOf<T extends RunEventType> = Extract<RunEventBody, { type: T }>["data"];

/** What recording an event of `type` takes (the schema's input: optional fields may be absent). */
export type RunEventData<T extends RunEventType> = Extract<z.input<typeof RunEventBody>, { type: T }>["data"];

/** A row to append, checked by tsc against its type's schema: for writers that call the store directly. */
export function eventRow<T extends RunEventType>(row: {
  runId: string;
  at: string;
  stage: RunStage;
  type: T;
  data: RunEventData<T>;
}): Omit<RunEvent, "seq"> {
  return row;
}

/** How a module below the pipeline records events (agent loop, judge): typed like the pipeline's `recordEvent`. */
export type RecordRunEvent = <T extends RunEventType>(type: T, data: RunEventData<T>) => Promise<void>;

/** A whole row of the trace, as the store keeps it and the HTTP API will publish it. */
export const TypedRunEvent = z.intersection(
  z.object({ runId: z.string(), seq: z.number().int(), at: z.string(), stage: EventStage }),
  RunEventBody,
);

/** A row no member of the union accepts (an older version's event, a damaged row): shown, never thrown. */
export interface UnknownRunEvent {
  type: "unknown";
  /** The type the row was recorded with. */
  rawType: string;
  data: Record<string, unknown>;
  /** The first thing that did not parse, one line. */
  problem: string;
}

/** A row of the trace read back: typed when it parses, `unknown` with its raw type when not. */
export type ReadRunEvent = Omit<RunEvent, "type" | "data"> & (RunEventBody | UnknownRunEvent);

/** Parse one stored row with the union; never throws. */
export function readRunEvent(row: RunEvent): ReadRunEvent {
  const { type, data, ...envelope } = row;
  const parsed = RunEventBody.safeParse({ type, data });
  if (parsed.success) return { ...envelope, ...parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return {
    ...envelope,
    type: "unknown",
    rawType: String(type),
    data: typeof data === "object" && data !== null ? data : {},
    problem: `${where}${issue?.message ?? "does not match the event schema"}`,
  };
}

/** The events of a trace, each read with `readRunEvent`. */
export function readRunEvents(rows: readonly RunEvent[]): ReadRunEvent[] {
  return rows.map(readRunEvent);
}

/** How docs/events.schema.json is regenerated; the staleness test names it. */
export const regenerateEventsSchemaCommand = "npm run docs:events";

/** The union as JSON Schema (draft 2020-12), stamped with its version: the text of docs/events.schema.json. */
export function renderRunEventsJsonSchema(): string {
  const schema = {
    $comment: `Generated from the zod schemas in src/core/events/ by \`${regenerateEventsSchemaCommand}\`. Do not edit by hand: a test fails when this file differs from the schemas.`,
    title: "Slipway run event",
    description:
      "One row of a run's trace: runId, seq, at, stage, and a `type` that decides the shape of `data`.",
    schemaVersion: runEventsSchemaVersion,
    ...z.toJSONSchema(TypedRunEvent, { io: "output" }),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
