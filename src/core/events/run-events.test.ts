// The run events' schema: the JSON Schema file is current, and a row no schema accepts is read as
// `unknown` with its raw type (an older version's event, a damaged row), never thrown.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { RunEvent } from "../run.ts";
import {
  type RecordRunEvent,
  readRunEvent,
  readRunEvents,
  regenerateEventsSchemaCommand,
  renderRunEventsJsonSchema,
  runEventsSchemaVersion,
} from "./run-events.ts";

const schemaPath = path.join(import.meta.dirname, "..", "..", "..", "docs", "events.schema.json");

function row(type: string, data: unknown): RunEvent {
  // A stored row as a damaged store could hand it back: `data` is whatever the column held.
  return { runId: "run_1", seq: 1, at: "2026-12-01T10:00:00.000Z", stage: "agent", type, data } as RunEvent;
}

test("docs/events.schema.json is the JSON Schema of the current event union", () => {
  const committed = readFileSync(schemaPath, "utf8");
  assert.ok(
    committed === renderRunEventsJsonSchema(),
    `docs/events.schema.json is stale: the run event schemas changed. Regenerate it with \`${regenerateEventsSchemaCommand}\` and commit it.`,
  );
  const parsed = JSON.parse(committed) as { schemaVersion: number };
  assert.equal(parsed.schemaVersion, runEventsSchemaVersion);
});

test("an event that matches its schema is read typed", () => {
  const event = readRunEvent(row("tool-result", { id: "c1", name: "bash", isError: true, text: "exit 1" }));
  assert.equal(event.type, "tool-result");
  if (event.type !== "tool-result") return;
  assert.equal(event.data.isError, true);
});

test("an unknown type, a damaged data shape and a non-object data are read as unknown, not thrown", () => {
  const events = readRunEvents([
    row("step-legacy", { anything: 1 }),
    row("tool-result", { id: "c1", name: "bash", isError: "yes", text: "x" }),
    row("model-request", null),
    row("model-request", { turn: 1, messages: 2 }),
  ]);
  assert.deepEqual(
    events.map((event) => (event.type === "unknown" ? `unknown:${event.rawType}` : event.type)),
    ["unknown:step-legacy", "unknown:tool-result", "unknown:model-request", "model-request"],
  );
  const damaged = events[1]!;
  assert.ok(damaged.type === "unknown");
  assert.match(damaged.problem, /^data\.isError: /);
  assert.deepEqual(damaged.data, { id: "c1", name: "bash", isError: "yes", text: "x" });
  assert.deepEqual(events[2]!.data, {});
});

test("recording checks the data against its type's schema at compile time (tsc runs this file)", async () => {
  const recorded: string[] = [];
  const record: RecordRunEvent = async (type) => {
    recorded.push(type);
  };
  await record("tool-result", { id: "c1", name: "bash", isError: false, text: "ok" });
  // @ts-expect-error: isError is a boolean
  await record("tool-result", { id: "c1", name: "bash", isError: "no", text: "ok" });
  // @ts-expect-error: no event has this type
  await record("tool-results", { id: "c1" });
  // @ts-expect-error: a field the schema does not have
  await record("forge-warning", { message: "m", extra: 1 });
  assert.equal(recorded.length, 4);
});
