// docs/events.md, the user's list of a run's events, names exactly the events the schema declares:
// a new event without its line, or a line left for an event that is gone, fails here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { RunEventBody } from "../src/core/events/run-events.ts";

test("docs/events.md describes every event type, and no other", () => {
  const page = readFileSync(path.join(import.meta.dirname, "..", "docs", "events.md"), "utf8");
  // The first cell of each table row names one or more events: "| `pr-open` / `pr-update` | …".
  const documented = new Set(
    page
      .split("\n")
      .filter((line) => /^\| `/.test(line))
      .flatMap((line) => [...line.split("|")[1]!.matchAll(/`([a-z-]+)`/g)].map((match) => match[1]!)),
  );
  const declared = new Set<string>(RunEventBody.options.map((option) => option.shape.type.value));
  assert.deepEqual(
    [...declared].filter((type) => !documented.has(type)).sort(),
    [],
    "events missing from docs/events.md",
  );
  assert.deepEqual(
    [...documented].filter((type) => !declared.has(type)).sort(),
    [],
    "docs/events.md names unknown events",
  );
});
