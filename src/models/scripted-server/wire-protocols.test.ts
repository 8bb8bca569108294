// The pure protocol builders: event order, delta pieces, finish reasons, usage placement, error
// bodies and retry headers, for Anthropic Messages and OpenAI Chat Completions.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { anthropicMessage, anthropicProtocol, anthropicStreamEvents } from "./anthropic-protocol.ts";
import { openaiCompletion, openaiProtocol, openaiStreamEvents } from "./openai-protocol.ts";
import type { ScriptTurn } from "./script.ts";
import { splitIntoDeltas, type TurnContext } from "./wire-protocol.ts";

function context(stream: boolean, includeUsage = false): TurnContext {
  return { turnIndex: 3, createdAtSeconds: 1_700_000_000, request: { model: "m", stream, includeUsage } };
}

const toolTurn: ScriptTurn = {
  text: "Reading two files.",
  toolCalls: [
    { name: "read_file", input: { path: "src/a.ts" } },
    { id: "own-id", name: "read_file", rawInput: '{"path": "src/b' },
  ],
  usage: { inputTokens: 40, outputTokens: 9 },
};

type Json = Record<string, unknown> & {
  delta?: Record<string, unknown>;
  content_block?: Record<string, unknown>;
  choices?: { delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: unknown;
};

function parsed(data: string): Json {
  return JSON.parse(data) as Json;
}

describe("anthropic protocol", () => {
  test("streams message_start, ping, a block per text and tool call, message_delta and message_stop", () => {
    const events = anthropicStreamEvents(toolTurn, context(true));
    const names = events.map((event) => event.event);
    assert.equal(names[0], "message_start");
    assert.equal(names[1], "ping");
    assert.deepEqual(names.slice(-2), ["message_delta", "message_stop"]);
    const starts = events
      .filter((event) => event.event === "content_block_start")
      .map((event) => parsed(event.data));
    assert.deepEqual(
      starts.map((start) => [start.index, start.content_block?.type, start.content_block?.id]),
      [
        [0, "text", undefined],
        [1, "tool_use", "toolu_scripted_3_0"],
        [2, "tool_use", "own-id"],
      ],
    );
    const delta = parsed(events.at(-2)!.data);
    assert.deepEqual(delta.delta, { stop_reason: "tool_use", stop_sequence: null });
    assert.deepEqual(delta.usage, { output_tokens: 9 });
    const start = parsed(events[0]!.data) as { message: { usage: { input_tokens: number } } };
    assert.equal(start.message.usage.input_tokens, 40);
  });

  test("streams tool input as input_json_delta pieces that join to the exact arguments", () => {
    const events = anthropicStreamEvents(toolTurn, context(true)).map((event) => parsed(event.data));
    const inputOf = (index: number) =>
      events
        .filter((event) => event.type === "content_block_delta" && event.index === index)
        .map((event) => event.delta?.partial_json)
        .join("");
    assert.equal(inputOf(1), JSON.stringify({ path: "src/a.ts" }));
    assert.equal(inputOf(2), '{"path": "src/b');
  });

  test("sends valid raw input parsed and malformed raw input as a string in a whole message", () => {
    const turn: ScriptTurn = {
      toolCalls: [
        { name: "a", rawInput: '{ "n": 1 }' },
        { name: "b", rawInput: "{oops" },
      ],
    };
    const message = anthropicMessage(turn, context(false)) as {
      content: { input: unknown }[];
      stop_reason: string;
    };
    assert.deepEqual(
      message.content.map((block) => block.input),
      [{ n: 1 }, "{oops"],
    );
    assert.equal(message.stop_reason, "tool_use");
  });

  test("maps a scripted finish reason to the API's stop reason", () => {
    const message = anthropicMessage({ text: "cut", finishReason: "length" }, context(false));
    assert.equal(message.stop_reason, "max_tokens");
  });

  test("answers errors with the API's typed error body and a retry-after header in whole seconds", () => {
    const reply = anthropicProtocol.errorReply(429, "slow down", 1.5);
    assert.equal(reply.kind, "json");
    if (reply.kind !== "json") return;
    assert.deepEqual(reply.body, {
      type: "error",
      error: { type: "rate_limit_error", message: "slow down" },
    });
    assert.deepEqual(reply.headers, { "retry-after": "2" });
    const overloaded = anthropicProtocol.errorReply(529, "busy");
    assert.equal(
      overloaded.kind === "json" && (overloaded.body as { error: { type: string } }).error.type,
      "overloaded_error",
    );
  });
});

describe("openai protocol", () => {
  test("streams the role, text pieces, named tool calls with argument pieces, the finish reason, then [DONE]", () => {
    const events = openaiStreamEvents(toolTurn, context(true));
    assert.equal(events.at(-1)?.data, "[DONE]");
    const chunks = events.slice(0, -1).map((event) => parsed(event.data));
    assert.equal(chunks[0]?.choices?.[0]?.delta.role, "assistant");
    const deltas = chunks.map((chunk) => chunk.choices?.[0]?.delta ?? {});
    assert.equal(deltas.map((delta) => delta.content ?? "").join(""), "Reading two files.");
    const calls = deltas.flatMap(
      (delta) => (delta.tool_calls ?? []) as { index: number; id?: string; function: Json }[],
    );
    const argumentsOf = (index: number) =>
      calls
        .filter((call) => call.index === index)
        .map((call) => call.function.arguments)
        .join("");
    assert.deepEqual(
      calls.filter((call) => call.id !== undefined).map((call) => [call.index, call.id, call.function.name]),
      [
        [0, "call_scripted_3_0", "read_file"],
        [1, "own-id", "read_file"],
      ],
    );
    assert.equal(argumentsOf(0), JSON.stringify({ path: "src/a.ts" }));
    assert.equal(argumentsOf(1), '{"path": "src/b');
    assert.equal(chunks.at(-1)?.choices?.[0]?.finish_reason, "tool_calls");
    assert.ok(chunks.every((chunk) => !("usage" in chunk)));
  });

  test("adds a last chunk with the usage and no choices only when stream_options.include_usage asked", () => {
    const chunks = openaiStreamEvents(toolTurn, context(true, true))
      .slice(0, -1)
      .map((event) => parsed(event.data));
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 });
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
  });

  test("sends null content and the exact argument characters in a whole tool-call completion", () => {
    const completion = openaiCompletion(
      { toolCalls: [{ name: "b", rawInput: "{oops" }] },
      context(false),
    ) as {
      choices: {
        message: { content: unknown; tool_calls: { function: { arguments: string } }[] };
        finish_reason: string;
      }[];
    };
    const choice = completion.choices[0]!;
    assert.equal(choice.message.content, null);
    assert.equal(choice.message.tool_calls[0]?.function.arguments, "{oops");
    assert.equal(choice.finish_reason, "tool_calls");
  });

  test("answers errors with the API's error body, retry-after and retry-after-ms", () => {
    const reply = openaiProtocol.errorReply(429, "slow down", 0.25);
    assert.equal(reply.kind, "json");
    if (reply.kind !== "json") return;
    assert.deepEqual(reply.body, {
      error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    assert.deepEqual(reply.headers, { "retry-after": "1", "retry-after-ms": "250" });
    const serverError = openaiProtocol.errorReply(503, "down");
    assert.equal(serverError.kind === "json" && Object.keys(serverError.headers).length, 0);
  });
});

describe("splitIntoDeltas", () => {
  test("splits text into pieces that join back without cutting a character in two", () => {
    const text = "ab😀cd😀";
    const pieces = splitIntoDeltas(text);
    assert.equal(pieces.join(""), text);
    assert.ok(pieces.length > 1);
    assert.ok(pieces.every((piece) => piece.isWellFormed()));
    assert.deepEqual(splitIntoDeltas(""), []);
  });
});
