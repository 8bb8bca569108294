import assert from "node:assert/strict";
import { test } from "node:test";
import { ciFollowUpTask, reviewFollowUpTask } from "./follow-up-task.ts";

test("a CI follow-up names every failing check and test as fenced data, then the original task", () => {
  const text = ciFollowUpTask("parseDate accepts week dates", [
    {
      check: "ci / test",
      findings: [
        {
          kind: "test",
          file: "test/date.test.js",
          line: 12,
          test: "parses 2026-W05-3",
          message: "expected 3\ngot 4",
        },
      ],
    },
    { check: "ci / lint", findings: [] },
  ]);
  assert.match(
    text,
    /<ci-findings>\nCheck "ci \/ test" failed:\n- test\/date\.test\.js:12: parses 2026-W05-3: expected 3\n/,
  );
  assert.match(
    text,
    /Check "ci \/ lint" failed:\n- \(no finding could be read from its log\)\n<\/ci-findings>/,
  );
  assert.match(text, /original task, for context:\nparseDate accepts week dates$/);
});

test("findings beyond the cap are counted, not listed", () => {
  const findings = Array.from({ length: 40 }, (_, index) => ({
    kind: "lint" as const,
    rule: `r${index}`,
    message: "m",
  }));
  const text = ciFollowUpTask("t", [{ check: "lint", findings }]);
  assert.equal(text.match(/^- \[r\d+\]/gm)?.length, 30);
  assert.match(text, /… and 10 more findings/);
});

test("a review follow-up carries the reviewer's words", () => {
  assert.match(reviewFollowUpTask("t", "alice", "add a test"), /reviewer alice asks:\nadd a test\n/);
});
