// Tests for tool dispatch under the run's deadline: a tool stuck where its own timeout cannot reach
// is abandoned when the run's signal fires, so the loop can end the run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { defineTool, type ToolContext } from "../tools/tool.ts";
import type { AgentLoopOptions } from "./agent-loop.ts";
import { newAgentSession } from "./agent-session.ts";
import { dispatchToolCalls, untilAborted } from "./tool-dispatch.ts";

test("a tool that never returns is abandoned once the run's signal fires", { timeout: 30_000 }, async () => {
  const deadline = new AbortController();
  const stuck = defineTool({
    name: "stuck",
    description: "never returns, like an open() blocked on a FIFO",
    inputSchema: z.object({}),
    run: () => {
      deadline.abort(new Error("the run's time is up"));
      return new Promise(() => undefined);
    },
  });
  const session = newAgentSession("task");
  const options = {
    tools: new Map([["stuck", stuck]]),
    toolContext: { signal: deadline.signal } as ToolContext,
    toolOutputChars: 1000,
    record: async () => undefined,
  } as unknown as AgentLoopOptions;
  const finish = await dispatchToolCalls(
    session,
    [{ toolCallId: "1", toolName: "stuck", input: {} }],
    options,
  );
  assert.equal(finish, undefined);
  assert.match(JSON.stringify(session.messages.at(-1)), /the run's time is up; the tool call was abandoned/);
});

test("untilAborted passes a result, and an error, through while the signal is quiet", async () => {
  const quiet = new AbortController().signal;
  assert.deepEqual(await untilAborted(Promise.resolve({ text: "ok", isError: false }), quiet), {
    text: "ok",
    isError: false,
  });
  await assert.rejects(untilAborted(Promise.reject(new Error("boom")), quiet), /boom/);
});

test("untilAborted answers at once when the signal has already fired", async () => {
  const result = await untilAborted(new Promise(() => undefined), AbortSignal.abort());
  assert.equal(result.isError, true);
});

test("guidance is appended to a successful result that touched a file, after the output cap, never to an error", async () => {
  const touching = defineTool({
    name: "touch",
    description: "reports the file it touched, or fails",
    inputSchema: z.object({ fail: z.boolean() }),
    run: async (input) =>
      input.fail
        ? { text: "error: no such file", isError: true, touchedPath: "pkg/a.ts" }
        : { text: "x".repeat(500), isError: false, touchedPath: "pkg/a.ts" },
  });
  const asked: string[] = [];
  const session = newAgentSession("task");
  const options = {
    tools: new Map([["touch", touching]]),
    toolContext: { signal: new AbortController().signal } as ToolContext,
    toolOutputChars: 100,
    record: async () => undefined,
    discloseInstructions: async (touchedPath: string) => {
      asked.push(touchedPath);
      return `GUIDANCE for ${touchedPath}`;
    },
  } as unknown as AgentLoopOptions;
  await dispatchToolCalls(
    session,
    [
      { toolCallId: "1", toolName: "touch", input: { fail: true } },
      { toolCallId: "2", toolName: "touch", input: { fail: false } },
    ],
    options,
  );
  assert.deepEqual(asked, ["pkg/a.ts"], "an error result asks for no guidance");
  const results = JSON.stringify(session.messages.at(-1));
  assert.equal(results.split("GUIDANCE for pkg/a.ts").length - 1, 1);
  assert.match(results, /characters cut[^"]*\\n\\nGUIDANCE for pkg\/a.ts/);
});
