import assert from "node:assert/strict";
import { test } from "node:test";
import { runStages } from "../core/run.ts";
import { isAllowedTransition, transitions } from "./transitions.ts";

test("every stage has a row and every row names known stages", () => {
  assert.deepEqual(Object.keys(transitions).sort(), [...runStages].sort());
  for (const next of Object.values(transitions).flat()) assert.ok(runStages.includes(next));
});

test("every stage but done can reach cleanup, so a run always cleans up", () => {
  for (const stage of runStages) {
    if (stage === "done" || stage === "cleanup") continue;
    assert.ok(isAllowedTransition(stage, "cleanup"), stage);
  }
});

test("a failed gate may go back to the agent; a commit may not", () => {
  assert.ok(isAllowedTransition("gate", "agent"));
  assert.equal(isAllowedTransition("commit", "agent"), false);
});

test("nothing reaches commit without passing review, and review follows only a gate", () => {
  const intoCommit = Object.entries(transitions).filter(([, next]) => next.includes("commit"));
  assert.deepEqual(
    intoCommit.map(([from]) => from),
    ["review"],
  );
  const intoReview = Object.entries(transitions).filter(([, next]) => next.includes("review"));
  assert.deepEqual(
    intoReview.map(([from]) => from),
    ["gate"],
  );
});

test("setup sits between workspace and agent: no run reaches the agent without passing setup", () => {
  assert.deepEqual(transitions.workspace, ["setup", "cleanup"]);
  assert.deepEqual(transitions.setup, ["agent", "cleanup"]);
  const intoAgent = Object.entries(transitions).filter(([, next]) => next.includes("agent"));
  assert.deepEqual(intoAgent.map(([from]) => from).sort(), ["gate", "review", "setup"]);
});
