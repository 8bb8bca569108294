import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { ModelError } from "../core/errors.ts";
import { callModel, type ModelRetry } from "./model-call.ts";
import type { ModelScript } from "./scripted-server/script.ts";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
} from "./scripted-server/scripted-model-server.ts";

const servers: ScriptedModelServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function callScripted(script: ModelScript, maxRetries: number, retries: ModelRetry[]) {
  const server = await startScriptedModelServer({ script });
  servers.push(server);
  const model = createOpenAICompatible({
    name: "scripted",
    baseURL: server.openaiBaseUrl,
    apiKey: "x",
  }).chatModel("m");
  const result = callModel({
    model,
    system: "s",
    messages: [{ role: "user", content: "hi" }],
    tools: {},
    price: undefined,
    signal: AbortSignal.timeout(60_000),
    timeoutMs: 60_000,
    maxRetries,
    onRetry: (retry) => retries.push(retry),
  });
  return { result, server };
}

// retry-after 0 makes the waits immediate: the test counts announcements, it does not time them.
const busy = { error: { status: 503, message: "overloaded", retryAfterSeconds: 0 } };

test("each retry of a failed model call is announced with its attempt, wait and cause", async () => {
  const retries: ModelRetry[] = [];
  const { result, server } = await callScripted({ turns: [busy, busy, { text: "done" }] }, 4, retries);
  assert.equal((await result).text, "done");
  assert.equal(server.requests.length, 3);
  assert.deepEqual(
    retries.map(({ attempt, attempts, delayMs }) => ({ attempt, attempts, delayMs })),
    [
      { attempt: 2, attempts: 5, delayMs: 0 },
      { attempt: 3, attempts: 5, delayMs: 0 },
    ],
  );
  assert.match(retries[0]!.reason, /^HTTP 503: .*overloaded/);
});

test("a call that fails every attempt says how many it made, after announcing each retry", async () => {
  const retries: ModelRetry[] = [];
  const { result } = await callScripted({ turns: [busy, busy, busy] }, 2, retries);
  await assert.rejects(result, (error: unknown) => {
    assert.ok(error instanceof ModelError);
    assert.match((error as Error).message, /^model call failed \(HTTP 503\) after 3 attempts: .*overloaded/);
    return true;
  });
  assert.deepEqual(
    retries.map((retry) => retry.attempt),
    [2, 3],
  );
});

test("a request the provider refuses for good (400) is not retried", async () => {
  const retries: ModelRetry[] = [];
  const { result, server } = await callScripted(
    { turns: [{ error: { status: 400, message: "bad" } }] },
    4,
    retries,
  );
  await assert.rejects(result, /model call failed \(HTTP 400\): /);
  assert.equal(server.requests.length, 1);
  assert.deepEqual(retries, []);
});
