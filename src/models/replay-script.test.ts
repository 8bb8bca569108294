// Turning a recorded trace into the turns a replay answers with.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError } from "../core/errors.ts";
import type { RunEvent } from "../core/run.ts";
import { replayScript, replayTurnsFromTrace } from "./replay-script.ts";

let seq = 0;
function event(type: string, data: Record<string, unknown>): RunEvent {
  seq += 1;
  return { runId: "run_1", seq, at: "2026-01-01T00:00:00Z", type, stage: "agent", data };
}

const usage = { inputTokens: 7, outputTokens: 3, costUsd: 0.1 };

function refusal(events: RunEvent[]): ConfigError {
  try {
    replayTurnsFromTrace("run_1", events);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error;
  }
  return assert.fail("expected the trace to be refused");
}

describe("replayTurnsFromTrace", () => {
  test("keeps the agent's and the judge's answers in trace order, with their ids, inputs and usage", () => {
    const turns = replayTurnsFromTrace("run_1", [
      event("run-start", { judge: "anthropic:claude-haiku-4-5" }),
      event("model-response", {
        text: "Reading.",
        toolCalls: [{ toolCallId: "toolu_1", toolName: "read_file", input: { path: "a.js" } }],
        finishReason: "tool-calls",
        usage,
      }),
      event("tool-call", { name: "read_file" }),
      event("model-response", {
        text: "",
        toolCalls: [
          { toolCallId: "toolu_2", toolName: "edit_file", input: '{"path": ', invalidReason: "bad" },
        ],
        finishReason: "other",
        usage,
      }),
      event("judge-answer", { chunk: 0, attempt: 1, valid: true, text: '{"verdict":"approve"}', usage }),
    ]);
    assert.deepEqual(turns, [
      {
        role: "agent",
        turn: {
          text: "Reading.",
          toolCalls: [{ id: "toolu_1", name: "read_file", input: { path: "a.js" } }],
          usage: { inputTokens: 7, outputTokens: 3 },
          finishReason: "tool-calls",
        },
      },
      {
        role: "agent",
        turn: {
          toolCalls: [{ id: "toolu_2", name: "edit_file", rawInput: '{"path": ' }],
          usage: { inputTokens: 7, outputTokens: 3 },
        },
      },
      { role: "judge", turn: { text: '{"verdict":"approve"}', usage: { inputTokens: 7, outputTokens: 3 } } },
    ]);
    assert.equal(replayScript(turns, true).turns.length, 3);
    assert.deepEqual(
      replayScript(turns, false).turns.map((turn) => turn.text),
      ["Reading.", undefined],
    );
  });

  test("refuses a trace with no model response", () => {
    const error = refusal([event("run-start", {}), event("judge-answer", { text: "{}", usage })]);
    assert.match(error.message, /run run_1 recorded no model response to replay/);
  });

  test("refuses a model response that lacks its tool calls, naming the event", () => {
    const bad = event("model-response", { text: "", finishReason: "stop", usage });
    const error = refusal([bad]);
    assert.match(error.message, new RegExp(`model-response event #${bad.seq} lacks toolCalls`));
  });
});
