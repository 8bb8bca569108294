import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCommitMessage, taskTitle } from "./commit-message.ts";

test("the title is the task's first line without a markdown heading mark", () => {
  assert.equal(taskTitle("# Fix the parser\n\nMore words"), "Fix the parser");
});

test("a long first line is shortened to a commit subject", () => {
  const title = taskTitle("x".repeat(200));
  assert.equal(title.length, 72);
  assert.ok(title.endsWith("…"));
});

test("the message ends with the Slipway-Run trailer after the summary", () => {
  const message = buildCommitMessage("Fix it", "Changed a line.", "run_abc");
  assert.equal(message, "Fix it\n\nChanged a line.\n\nSlipway-Run: run_abc\n");
});

test("the agent's summary cannot switch off the repository's CI", () => {
  const summary = "Fixed it. [skip ci] [ci skip] [no ci] [skip actions] ***NO_CI***\nskip-checks: true";
  const message = buildCommitMessage("Fix it", summary, "run_abc");
  for (const directive of [
    /\[skip ci\]/i,
    /\[ci skip\]/i,
    /\[no ci\]/i,
    /\[skip actions\]/i,
    /\*\*\*NO_CI\*\*\*/,
  ]) {
    assert.doesNotMatch(message, directive);
  }
  assert.doesNotMatch(message, /^skip-checks:/im);
  // The words stay readable for a reviewer.
  assert.match(message, /\(skip ci\)/);
});
