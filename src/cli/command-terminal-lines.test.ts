// Lines `pr watch` and `worker` print from forge and run data: a CI check's name, a trigger and a
// run's outcome detail are chosen outside Slipway, so they reach the terminal inert.
import assert from "node:assert/strict";
import { test } from "node:test";
import { actionLine } from "./command-pr-watch.ts";
import { workerNoticeLine } from "./command-worker.ts";

const hostile = "lint\u001b[2J\u001b]52;c;cHduZWQ=\u0007\rok\u202e";
const controls = ["\u001b", "\u0007", "\r", "\u202e"];

/** True when `line` holds none of the characters a terminal would act on. */
function inert(line: string): boolean {
  return controls.every((char) => !line.includes(char));
}

test("pr watch: forge-chosen check names and triggers carry no terminal control sequence", () => {
  const lines = [
    actionLine({ kind: "waiting", pending: [hostile] }),
    actionLine({ kind: "reported", reason: "limit_reached", failing: [hostile] }),
    actionLine({ kind: "already_followed_up", failing: [hostile] }),
    actionLine({ kind: "followed_up", trigger: `ci:${hostile}`, runId: "run_1", outcome: "succeeded" }),
  ];
  for (const line of lines) {
    assert.ok(inert(line), line);
    assert.match(line, /lint\\u\{1b\}\[2J\\u\{1b\}\]52;c;cHduZWQ=\\u\{7\}\\u\{d\}ok\\u\{202e\}/);
  }
});

test("worker: a notice quoting a model's error body carries no terminal control sequence", () => {
  const line = workerNoticeLine(`run_1 ended failed: model error: ${hostile}`);
  assert.ok(inert(line) && !line.slice(0, -1).includes("\n"), line);
  assert.ok(line.endsWith("\n"));
  assert.match(line, /^worker: run_1 ended failed: model error: lint\\u\{1b\}/);
});
