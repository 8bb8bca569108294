// The scripted server at the HTTP level: routes, bad bodies, the size bound, delays, closing and
// the exhaustion answer, checked with plain fetch.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { ConfigError } from "../../core/errors.ts";
import type { ModelScript } from "./script.ts";
import { type ScriptedModelServer, startScriptedModelServer } from "./scripted-model-server.ts";

const servers: ScriptedModelServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function serve(script: ModelScript): Promise<ScriptedModelServer> {
  const server = await startScriptedModelServer({ script });
  servers.push(server);
  return server;
}

const messagesBody = { model: "m", max_tokens: 100, messages: [{ role: "user", content: "hi" }] };
const chatBody = { model: "m", messages: [{ role: "user", content: "hi" }] };

function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: text, signal });
}

describe("scripted model server over HTTP", () => {
  test("listens on 127.0.0.1 and gives /v1 base URLs for both protocols", async () => {
    const server = await serve({ turns: [] });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.anthropicBaseUrl, `${server.url}/v1`);
    assert.equal(server.openaiBaseUrl, `${server.url}/v1`);
  });

  test("answers 404 naming the served routes on an unknown path, without using a turn", async () => {
    const server = await serve({ turns: [{ text: "unused" }] });
    const response = await post(`${server.url}/v1/responses`, chatBody);
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { message: string } };
    assert.match(body.error.message, /POST \/v1\/responses/);
    assert.match(body.error.message, /\/v1\/chat\/completions/);
    assert.equal(server.requests.length, 0);
    assert.equal(server.remainingTurns(), 1);
  });

  test("answers 400 in the protocol's error shape on a body that is not JSON, records it and keeps the turn", async () => {
    const server = await serve({ turns: [{ text: "kept" }] });
    const response = await post(`${server.anthropicBaseUrl}/messages`, "{not json");
    assert.equal(response.status, 400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /invalid request body/);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]?.body, "{not json");
    assert.equal(server.requests[0]?.turnIndex, undefined);
    assert.equal(server.remainingTurns(), 1);
  });

  test("answers 400 naming the missing field when a chat request has no messages", async () => {
    const server = await serve({ turns: [{ text: "kept" }] });
    const response = await post(`${server.openaiBaseUrl}/chat/completions`, { model: "m" });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { message: string } };
    assert.match(body.error.message, /messages/);
    assert.equal(server.remainingTurns(), 1);
  });

  test("answers 413 to a body over the size bound and keeps the turn", async () => {
    const server = await startScriptedModelServer({
      script: { turns: [{ text: "kept" }] },
      maxRequestBodyBytes: 1024,
    });
    servers.push(server);
    const response = await post(`${server.openaiBaseUrl}/chat/completions`, {
      ...chatBody,
      padding: "x".repeat(4 * 1024 * 1024),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { error: { message: string } };
    assert.match(body.error.message, /over 1024 bytes/);
    assert.equal(server.remainingTurns(), 1);
  });

  test("answers an exhausted script with 500, its message and retry-after 0", async () => {
    const server = await serve({ turns: [] });
    const response = await post(`${server.openaiBaseUrl}/chat/completions`, chatBody);
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("retry-after"), "0");
    const body = (await response.json()) as { error: { message: string } };
    assert.equal(body.error.message, "scripted model: script exhausted after 0 turns");
    assert.equal(server.requests.length, 1);
  });

  test("consumes turns in order across both protocols", async () => {
    const server = await serve({ turns: [{ text: "first" }, { text: "second" }] });
    const anthropic = (await (await post(`${server.anthropicBaseUrl}/messages`, messagesBody)).json()) as {
      content: { text: string }[];
    };
    const openai = (await (await post(`${server.openaiBaseUrl}/chat/completions`, chatBody)).json()) as {
      choices: { message: { content: string } }[];
    };
    assert.equal(anthropic.content[0]?.text, "first");
    assert.equal(openai.choices[0]?.message.content, "second");
    assert.deepEqual(
      server.requests.map((request) => [request.protocol, request.turnIndex]),
      [
        ["anthropic", 0],
        ["openai", 1],
      ],
    );
  });

  test("answers a delayed turn after its delay", async () => {
    const server = await serve({ turns: [{ text: "late", delayMs: 30 }] });
    const response = await post(`${server.openaiBaseUrl}/chat/completions`, chatBody);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.equal(body.choices[0]?.message.content, "late");
  });

  test("a client that gives up during a delay leaves the server answering the next turn", {
    timeout: 10_000,
  }, async () => {
    const server = await serve({ turns: [{ text: "never seen", delayMs: 60_000 }, { text: "next" }] });
    const giveUp = new AbortController();
    const pending = post(`${server.openaiBaseUrl}/chat/completions`, chatBody, giveUp.signal);
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    giveUp.abort();
    await assert.rejects(pending);
    const response = await post(`${server.openaiBaseUrl}/chat/completions`, chatBody);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    assert.equal(body.choices[0]?.message.content, "next");
  });

  test("close() ends a pending delay and drops its connection", { timeout: 10_000 }, async () => {
    const server = await startScriptedModelServer({
      script: { turns: [{ text: "never sent", delayMs: 60_000 }] },
    });
    const pending = post(`${server.openaiBaseUrl}/chat/completions`, chatBody);
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await server.close();
    await assert.rejects(pending);
    await server.close();
  });

  test("aborting the signal closes the server", { timeout: 10_000 }, async () => {
    const stop = new AbortController();
    const server = await startScriptedModelServer({ script: { turns: [] }, signal: stop.signal });
    servers.push(server);
    stop.abort();
    await assert.rejects(post(`${server.openaiBaseUrl}/chat/completions`, chatBody));
  });

  test("refuses an invalid script with a ConfigError naming the bad key", async () => {
    const script = { turns: [{ text: "ok", toolcalls: [] }] } as unknown as ModelScript;
    await assert.rejects(startScriptedModelServer({ script }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /turns\.0\.toolcalls/);
      return true;
    });
  });
});
