// A run's state read back: typed, and one damaged key never loses the others or throws.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readRunState, withRunState } from "./run-state.ts";

test("the state's keys come back typed, a damaged one left out, unknown ones kept as they are", () => {
  const state = readRunState({
    mirrorPath: "/data/mirrors/a",
    volume: { mountPoint: "/v/run_1", image: 7 },
    followUp: { parentRunId: "run_0", pullRequest: 3, kind: "ci", trigger: "ci:abc" },
    verification: [{ name: "test", passed: true, durationMs: 5, summary: "✓ test" }],
    somethingElse: 1,
  });
  assert.deepEqual(state, {
    mirrorPath: "/data/mirrors/a",
    followUp: { parentRunId: "run_0", pullRequest: 3, kind: "ci", trigger: "ci:abc" },
    verification: [{ name: "test", passed: true, durationMs: 5, summary: "✓ test" }],
    somethingElse: 1,
  });
});

test("keys named like Object's own properties are carried, never taken for schema keys", () => {
  const state = readRunState(JSON.parse('{"constructor": 1, "toString": "x", "summary": "s"}'));
  assert.deepEqual({ ...state }, { constructor: 1, toString: "x", summary: "s" });
});

test("a state that is not an object reads as empty", () => {
  assert.deepEqual(readRunState(null), {});
  assert.deepEqual(readRunState("[]"), {});
});

test("a stage's state patch is checked against the schema at compile time (tsc runs this file)", () => {
  const state = withRunState({ summary: "kept" }, { mirrorPath: "/m", frozenTree: "abc" });
  assert.deepEqual(state, { summary: "kept", mirrorPath: "/m", frozenTree: "abc" });
  // @ts-expect-error: the summary is a string
  withRunState({}, { summary: 3 });
  // @ts-expect-error: a volume has a mount point and an image
  withRunState({}, { volume: { mountPoint: "/v" } });
});
