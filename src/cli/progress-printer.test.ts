import assert from "node:assert/strict";
import { test } from "node:test";
import type { ProgressEvent } from "../pipeline/run-context.ts";
import { progressLine } from "./progress-printer.ts";

function event(type: string, data: Record<string, unknown>): ProgressEvent {
  return { runId: "run_1", stage: "agent", type, data };
}

const failedCheck = { name: "test", passed: false, durationMs: 362, summary: "1 failing test" };

test("a failed check's progress shows a failure mark only, never a tick beside it", () => {
  const lines = [
    progressLine(event("verify-end", { speed: "fast", passed: false, results: [failedCheck] })),
    progressLine(
      event("tool-result", { name: "verify", isError: false, text: "✗ test (362ms): 1 failing test" }),
    ),
  ].filter((line) => line !== undefined);
  assert.deepEqual(lines, ["  verify ✗ test (362 ms)"]);
  assert.doesNotMatch(lines.join("\n"), /✓/);
});

test("other tools keep their own result line", () => {
  assert.equal(
    progressLine(event("tool-result", { name: "bash", isError: true, text: "exit 1\nboom" })),
    "  ✗ bash: exit 1 boom",
  );
});

test("long checks and model retries are announced as they start", () => {
  assert.equal(
    progressLine(event("verify-start", { speed: "full", checks: ["typecheck", "test"] })),
    "  gate   running typecheck, test",
  );
  assert.equal(
    progressLine(
      event("model-retry", { attempt: 2, attempts: 5, delayMs: 4000, reason: "HTTP 529: overloaded" }),
    ),
    "▸ model call failed (HTTP 529: overloaded), retrying in 4.0 s (attempt 2 of 5)",
  );
  assert.match(
    progressLine(event("model-retry", { judge: true, attempt: 3, attempts: 3, delayMs: 500, reason: "x" }))!,
    /^▸ judge model call failed \(x\), retrying in 500 ms \(attempt 3 of 3\)$/,
  );
  assert.equal(
    progressLine(event("setup-end", { results: [{ name: "npm ci", durationMs: 12_300 }] })),
    "  setup  ✓ npm ci (12.3 s)",
  );
});
