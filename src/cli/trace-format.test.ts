import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunEvent } from "../core/run.ts";
import { renderTrace } from "./trace-format.ts";

test("the trace prints an event's money rounded and its offset with a spaced unit", () => {
  const at = "2026-12-01T10:00:00.000Z";
  const events: RunEvent[] = [
    {
      seq: 1,
      runId: "run_1",
      at,
      stage: "review",
      type: "judge-end",
      data: {
        valid: true,
        verdict: "approve",
        in_scope: true,
        problems: [],
        confidence: 0.9,
        usage: { inputTokens: 10, outputTokens: 2, costUsd: 0.1 + 0.2 },
      },
    },
  ];
  const text = renderTrace(events);
  assert.match(text, /^#001 \+ {4}0\.0 s {2}review/);
  assert.match(text, /"costUsd":0\.3}/);
  assert.doesNotMatch(text, /unknown/);
});
