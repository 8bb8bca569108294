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
