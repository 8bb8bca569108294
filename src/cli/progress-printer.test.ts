import assert from "node:assert/strict";
import { test } from "node:test";
import { RunEventBody, type RunEventData, type RunEventType } from "../core/events/run-events.ts";
import type { ProgressEvent } from "../pipeline/run-context.ts";
import { progressLine } from "./progress-printer.ts";

/** An event as the pipeline records it: parsed with the union, so a test's shape is a real one. */
function event<T extends RunEventType>(type: T, data: RunEventData<T>): ProgressEvent {
  return { runId: "run_1", stage: "agent", ...RunEventBody.parse({ type, data }) };
}

const failedCheck = {
  name: "test",
  command: "node --test",
  passed: false,
  exitCode: 1,
  timedOut: false,
  durationMs: 362,
  findings: [],
  summary: "1 failing test",
  unparsed: false,
  rawChars: 40,
};

test("a failed check's progress shows a failure mark only, never a tick beside it", () => {
  const lines = [
    progressLine(event("verify-end", { speed: "fast", passed: false, results: [failedCheck] })),
    progressLine(
      event("tool-result", {
        id: "c1",
        name: "verify",
        isError: false,
        text: "✗ test (362ms): 1 failing test",
      }),
    ),
  ].filter((line) => line !== undefined);
  assert.deepEqual(lines, ["  verify ✗ test (362 ms)"]);
  assert.doesNotMatch(lines.join("\n"), /✓/);
});

test("other tools keep their own result line", () => {
  assert.equal(
    progressLine(event("tool-result", { id: "c2", name: "bash", isError: true, text: "exit 1\nboom" })),
    "  ✗ bash: exit 1 boom",
  );
});

const gateStart = {
  removedOutsideTree: [],
  restoredFromSetup: [],
  dependenciesMounted: false,
  notRestored: [],
  speed: "full" as const,
  notes: [],
};

const setupEnd = {
  passed: true,
  source: "detected" as const,
  ecosystems: ["node"],
  producedDirectories: ["node_modules"],
  commands: ["npm ci"],
  durationMs: 12_400,
  notes: [],
};

test("long checks and model retries are announced as they start", () => {
  assert.equal(
    progressLine(event("verify-start", { ...gateStart, checks: ["typecheck", "test"] })),
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
    progressLine(
      event("setup-end", {
        ...setupEnd,
        results: [{ name: "npm ci", cwd: ".", exitCode: 0, timedOut: false, durationMs: 12_300 }],
      }),
    ),
    "  setup  ✓ npm ci (12.3 s)",
  );
});
