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
