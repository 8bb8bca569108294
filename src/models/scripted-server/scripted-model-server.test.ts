// The scripted server driven by the real AI SDK clients (Anthropic, OpenAI chat, OpenAI-compatible),
// each through generateText and streamText: text, tool calls, usage, retries, errors, recorded requests.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import {
  APICallError,
  generateText,
  InvalidToolInputError,
  type LanguageModel,
  type ModelMessage,
  streamText,
  tool,
} from "ai";
import { z } from "zod";
import type { ModelScript } from "./script.ts";
import { type ScriptedModelServer, startScriptedModelServer } from "./scripted-model-server.ts";
import type { ProtocolName } from "./wire-protocol.ts";

// The providers warn about unknown model ids; the ids here are made up on purpose.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const tools = {
  read_file: tool({
    description: "Read a file of the repository",
    inputSchema: z.object({ path: z.string() }),
  }),
};

interface ClientCase {
  name: string;
  protocol: ProtocolName;
  model(server: ScriptedModelServer): LanguageModel;
}

const clients: ClientCase[] = [
  {
    name: "Anthropic",
    protocol: "anthropic",
    model: (server) =>
      createAnthropic({ baseURL: server.anthropicBaseUrl, apiKey: "test-key" })("claude-scripted"),
  },
  {
    name: "OpenAI chat",
    protocol: "openai",
    model: (server) =>
      createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: "test-key" }).chat("gpt-scripted"),
  },
  {
    name: "OpenAI-compatible",
    protocol: "openai",
    model: (server) =>
      createOpenAICompatible({
        name: "scripted",
        baseURL: server.openaiBaseUrl,
        apiKey: "test-key",
        includeUsage: true,
      })("local-scripted"),
  },
];

type Mode = "generateText" | "streamText";
const modes: Mode[] = ["generateText", "streamText"];

interface AnsweredToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  invalid: boolean;
  error: unknown;
}

interface Answer {
  text: string;
  toolCalls: AnsweredToolCall[];
  finishReason: string;
  usage: { inputTokens: number | undefined; outputTokens: number | undefined };
  responseMessages: ModelMessage[];
}

interface Question {
  system?: string;
  messages?: ModelMessage[];
  maxRetries?: number;
}

function answeredToolCall(call: {
  toolCallId: string;
  toolName: string;
  input: unknown;
  invalid?: boolean;
  error?: unknown;
}) {
  return {
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    input: call.input,
    invalid: call.invalid === true,
    error: call.error,
  };
}

/** One model call through the chosen SDK function; a stream's error part is thrown like generateText's. */
async function ask(model: LanguageModel, mode: Mode, question: Question = {}): Promise<Answer> {
  const request = {
    model,
    tools,
    system: question.system,
    messages: question.messages ?? [{ role: "user" as const, content: "Hello" }],
    maxRetries: question.maxRetries ?? 0,
  };
  if (mode === "generateText") {
    const result = await generateText(request);
    const usage = { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens };
    const toolCalls = result.toolCalls.map(answeredToolCall);
    return {
      text: result.text,
      toolCalls,
      finishReason: result.finishReason,
      usage,
      responseMessages: result.response.messages,
    };
  }
  const result = streamText({ ...request, onError: () => {} });
  for await (const part of result.fullStream) if (part.type === "error") throw part.error;
  const usage = await result.usage;
  return {
    text: await result.text,
    toolCalls: (await result.toolCalls).map(answeredToolCall),
    finishReason: await result.finishReason,
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
    responseMessages: (await result.response).messages,
  };
}

const servers: ScriptedModelServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

async function serve(script: ModelScript): Promise<ScriptedModelServer> {
  const server = await startScriptedModelServer({ script });
  servers.push(server);
  return server;
}

/** What the recorded request body carries, read the way each protocol lays it out. */
const anthropicBody = z.object({
  system: z.array(z.object({ text: z.string() })),
  tools: z.array(z.object({ name: z.string(), description: z.string(), input_schema: z.unknown() })),
  messages: z.array(z.object({ role: z.string(), content: z.array(z.looseObject({ type: z.string() })) })),
});
const openaiBody = z.object({
  tools: z.array(
    z.object({ function: z.object({ name: z.string(), description: z.string(), parameters: z.unknown() }) }),
  ),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })),
});

function sentRequest(protocol: ProtocolName, body: unknown) {
  if (protocol === "anthropic") {
    const parsed = anthropicBody.parse(body);
    const toolResults = parsed.messages.flatMap((message) =>
      message.content.filter((part) => part.type === "tool_result"),
    );
    return {
      system: parsed.system.map((part) => part.text).join(""),
      tools: parsed.tools.map((entry) => ({
        name: entry.name,
        description: entry.description,
        schema: entry.input_schema,
      })),
      toolResults: toolResults.map((part) => ({ id: part.tool_use_id, content: part.content })),
    };
  }
  const parsed = openaiBody.parse(body);
  return {
    system: parsed.messages.find((message) => message.role === "system")?.content,
    tools: parsed.tools.map(({ function: fn }) => ({
      name: fn.name,
      description: fn.description,
      schema: fn.parameters,
    })),
    toolResults: parsed.messages
      .filter((message) => message.role === "tool")
      .map((message) => ({ id: message.tool_call_id, content: message.content })),
  };
}

for (const client of clients) {
  for (const mode of modes) {
    describe(`${client.name} client, ${mode}`, () => {
      test("receives the scripted text with the scripted usage and finish reason stop", async () => {
        const server = await serve({
          turns: [{ text: "Hello from the script.", usage: { inputTokens: 321, outputTokens: 45 } }],
        });
        const answer = await ask(client.model(server), mode);
        assert.equal(answer.text, "Hello from the script.");
        assert.deepEqual(answer.usage, { inputTokens: 321, outputTokens: 45 });
        assert.equal(answer.finishReason, "stop");
        assert.equal(server.requests[0]?.protocol, client.protocol);
        assert.equal(server.requests[0]?.stream, mode === "streamText");
        assert.equal(server.remainingTurns(), 0);
      });

      test("reports the default usage of 10 input and 5 output tokens when the turn scripts none", async () => {
        const server = await serve({ turns: [{ text: "ok" }] });
        const answer = await ask(client.model(server), mode);
        assert.deepEqual(answer.usage, { inputTokens: 10, outputTokens: 5 });
      });

      test("returns a scripted tool call with its input parsed and finish reason tool-calls", async () => {
        const server = await serve({
          turns: [
            {
              text: "Reading it.",
              toolCalls: [{ id: "call-1", name: "read_file", input: { path: "src/a.ts" } }],
            },
          ],
        });
        const answer = await ask(client.model(server), mode);
        assert.equal(answer.text, "Reading it.");
        assert.deepEqual(answer.toolCalls, [
          {
            toolCallId: "call-1",
            toolName: "read_file",
            input: { path: "src/a.ts" },
            invalid: false,
            error: undefined,
          },
        ]);
        assert.equal(answer.finishReason, "tool-calls");
      });

      test("returns malformed rawInput as an invalid tool call carrying the raw characters", async () => {
        const rawInput = '{"path": "src/a';
        const server = await serve({ turns: [{ toolCalls: [{ name: "read_file", rawInput }] }] });
        const answer = await ask(client.model(server), mode);
        assert.equal(answer.toolCalls.length, 1);
        const call = answer.toolCalls[0]!;
        assert.equal(call.toolName, "read_file");
        assert.equal(call.invalid, true);
        assert.ok(
          InvalidToolInputError.isInstance(call.error),
          `expected InvalidToolInputError, got ${String(call.error)}`,
        );
        assert.equal(call.input, rawInput);
      });

      test("is retried by the SDK after a 429 with retry-after 0 and then succeeds", async () => {
        const server = await serve({
          turns: [{ error: { status: 429, retryAfterSeconds: 0 } }, { text: "after the limit" }],
        });
        const answer = await ask(client.model(server), mode, { maxRetries: 2 });
        assert.equal(answer.text, "after the limit");
        assert.equal(server.requests.length, 2);
        assert.deepEqual(
          server.requests.map((request) => request.turnIndex),
          [0, 1],
        );
      });

      test("answers HTTP 500 naming the exhausted script once the turns run out, and records that request", async () => {
        const server = await serve({ turns: [{ text: "only turn" }] });
        const model = client.model(server);
        await ask(model, mode);
        const failure = await ask(model, mode).then(
          () => assert.fail("expected the exhausted script to fail the call"),
          (error: unknown) => error,
        );
        assert.ok(APICallError.isInstance(failure), `expected APICallError, got ${String(failure)}`);
        assert.equal(failure.statusCode, 500);
        assert.match(failure.message, /scripted model: script exhausted after 1 turns/);
        assert.equal(server.requests.length, 2);
        assert.equal(server.requests[1]?.turnIndex, undefined);
      });

      test("records the system prompt, the tool schemas and, on the second turn, the tool result sent", async () => {
        const server = await serve({
          turns: [
            { toolCalls: [{ id: "call-7", name: "read_file", input: { path: "src/a.ts" } }] },
            { text: "Done." },
          ],
        });
        const model = client.model(server);
        const system = "You are a scripted test agent.";
        const messages: ModelMessage[] = [{ role: "user", content: "Read src/a.ts" }];
        const first = await ask(model, mode, { system, messages });
        messages.push(...first.responseMessages, {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "call-7",
              toolName: "read_file",
              output: { type: "text", value: "export const a = 1;" },
            },
          ],
        });
        const second = await ask(model, mode, { system, messages });
        assert.equal(second.text, "Done.");
        const [firstSent, secondSent] = server.requests.map((request) =>
          sentRequest(client.protocol, request.body),
        );
        assert.ok(firstSent && secondSent, "expected two recorded requests");
        assert.equal(firstSent.system, system);
        assert.deepEqual(
          firstSent.tools.map((sent) => ({
            ...sent,
            schema: (sent.schema as { properties?: unknown }).properties,
          })),
          [
            {
              name: "read_file",
              description: "Read a file of the repository",
              schema: { path: { type: "string" } },
            },
          ],
        );
        assert.deepEqual(firstSent.toolResults, []);
        assert.deepEqual(secondSent.toolResults, [{ id: "call-7", content: "export const a = 1;" }]);
      });
    });
  }
}
