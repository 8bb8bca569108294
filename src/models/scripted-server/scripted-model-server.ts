// A real HTTP server that speaks the Anthropic Messages and OpenAI Chat Completions protocols and
// answers from a script, so tests and `slipway demo` drive the real provider clients offline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ModelError } from "../../core/errors.ts";
import { anthropicProtocol } from "./anthropic-protocol.ts";
import { flattenHeaders, readBody, writeReply } from "./http-io.ts";
import { openaiProtocol } from "./openai-protocol.ts";
import { type ModelScript, parseModelScript, type ScriptTurn } from "./script.ts";
import type { ProtocolName, WireProtocol, WireReply, WireRequest } from "./wire-protocol.ts";

/** Default bound on a request body; a long agent conversation stays far below it. */
export const defaultMaxRequestBodyBytes = 32 * 1024 * 1024;

/** The protocols served, by request path. */
const protocolsByPath: ReadonlyMap<string, WireProtocol> = new Map(
  [anthropicProtocol, openaiProtocol].map((protocol) => [protocol.path, protocol]),
);

/** One request the server received on a protocol path, as the client sent it. */
export interface RecordedRequest {
  protocol: ProtocolName;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body (the raw text when it was not JSON). */
  body: unknown;
  /** The body asked for server-sent events (`stream: true`). */
  stream: boolean;
  /** Index of the script turn that answered; undefined when none did (invalid body, script exhausted). */
  turnIndex: number | undefined;
}

export interface ScriptedModelServerOptions {
  script: ModelScript;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Aborting closes the server. */
  signal?: AbortSignal;
  /** Larger request bodies get HTTP 413. Default {@link defaultMaxRequestBodyBytes}. */
  maxRequestBodyBytes?: number;
  /** Do not keep the process alive for the listening socket (a platform process that may never close it). */
  unref?: boolean;
}

/** A running scripted model. Point a provider client's baseURL at one of its base URLs. */
export interface ScriptedModelServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** `url` + "/v1", for createAnthropic({ baseURL }). */
  anthropicBaseUrl: string;
  /** `url` + "/v1", for createOpenAI({ baseURL }).chat(...) and createOpenAICompatible({ baseURL }). */
  openaiBaseUrl: string;
  /** Every request on a protocol path, in arrival order (recorded before any scripted delay). */
  readonly requests: readonly RecordedRequest[];
  /** Turns not yet answered. */
  remainingTurns(): number;
  /** Stop listening, drop open connections and cancel pending delays. Safe to call twice. */
  close(): Promise<void>;
}

interface ServerState {
  script: ModelScript;
  maxRequestBodyBytes: number;
  nextTurn: number;
  requests: RecordedRequest[];
  /** Aborted on close, so scripted delays end at once. */
  stopping: AbortController;
}

/** A body that satisfies both protocols' error schemas, for paths that belong to neither. */
function notFoundBody(method: string, path: string): Record<string, unknown> {
  const message =
    `scripted model: no route for ${method} ${path}; it serves POST /v1/messages (Anthropic) and ` +
    "POST /v1/chat/completions (OpenAI chat: use createOpenAI(...).chat(model))";
  return { type: "error", error: { type: "not_found_error", message, param: null, code: null } };
}

function takeTurn(state: ServerState): { turn: ScriptTurn; index: number } | undefined {
  const turn = state.script.turns[state.nextTurn];
  if (turn === undefined) return undefined;
  const index = state.nextTurn;
  state.nextTurn += 1;
  return { turn, index };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Wait out a turn's delay; false when the client left or the server closed meanwhile. */
async function waitDelay(delayMs: number, signal: AbortSignal): Promise<boolean> {
  if (delayMs === 0) return !signal.aborted;
  try {
    await sleep(delayMs, undefined, { signal });
    return true;
  } catch {
    // Aborted: the answer is no longer wanted.
    return false;
  }
}

async function answer(
  state: ServerState,
  protocol: WireProtocol,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const read = await readBody(request, state.maxRequestBodyBytes);
  if (read.kind === "aborted") return;
  if (read.kind === "too-large") {
    const message = `scripted model: request body over ${state.maxRequestBodyBytes} bytes`;
    writeReply(response, protocol.errorReply(413, message), { connection: "close" });
    return;
  }
  const json = parseJson(read.text);
  const body = json.ok ? json.value : read.text;
  const stream = typeof body === "object" && body !== null && "stream" in body && body.stream === true;
  const record: RecordedRequest = {
    protocol: protocol.name,
    path: protocol.path,
    headers: flattenHeaders(request.headers),
    body,
    stream,
    turnIndex: undefined,
  };
  state.requests.push(record);
  const parsed = protocol.requestSchema.safeParse(body);
  if (!json.ok || !parsed.success) {
    const issue = parsed.error?.issues[0];
    const reason = json.ok ? `${issue?.path.join(".") || "(top level)"}: ${issue?.message}` : json.reason;
    writeReply(response, protocol.errorReply(400, `scripted model: invalid request body: ${reason}`));
    return;
  }
  const next = takeTurn(state);
  if (next === undefined) {
    const message = `scripted model: script exhausted after ${state.script.turns.length} turns`;
    // retry-after 0: a client's retries of an exhausted script fail at once instead of backing off.
    writeReply(response, protocol.errorReply(500, message, 0));
    return;
  }
  record.turnIndex = next.index;
  const clientGone = new AbortController();
  response.once("close", () => clientGone.abort());
  if (response.closed) clientGone.abort();
  const signal = AbortSignal.any([state.stopping.signal, clientGone.signal]);
  if (!(await waitDelay(next.turn.delayMs ?? 0, signal))) return;
  writeReply(response, replyFor(protocol, next.turn, next.index, parsed.data));
}

function replyFor(
  protocol: WireProtocol,
  turn: ScriptTurn,
  turnIndex: number,
  request: WireRequest,
): WireReply {
  if (turn.error) {
    const message = turn.error.message ?? `scripted model: scripted HTTP ${turn.error.status}`;
    return protocol.errorReply(turn.error.status, message, turn.error.retryAfterSeconds);
  }
  return protocol.reply(turn, { turnIndex, createdAtSeconds: Math.floor(Date.now() / 1000), request });
}

function handle(state: ServerState, request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? "/").split("?")[0] ?? "/";
  const protocol = request.method === "POST" ? protocolsByPath.get(path) : undefined;
  if (protocol === undefined) {
    writeReply(response, {
      kind: "json",
      status: 404,
      headers: {},
      body: notFoundBody(request.method ?? "?", path),
    });
    return;
  }
  answer(state, protocol, request, response).catch((error: unknown) => {
    // A bug here must still answer the client rather than leave it waiting for its timeout.
    const message = `scripted model: internal error: ${error instanceof Error ? error.message : String(error)}`;
    writeReply(response, protocol.errorReply(500, message));
  });
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) =>
      reject(
        new ModelError(`scripted model server cannot listen on ${host}:${port}: ${error.message}`, {
          code: "model_not_configured",
          cause: error,
        }),
      );
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Start a scripted model server. Throws ConfigError on an invalid script, ModelError when it cannot listen. */
export async function startScriptedModelServer(
  options: ScriptedModelServerOptions,
): Promise<ScriptedModelServer> {
  options.signal?.throwIfAborted();
  const state: ServerState = {
    script: parseModelScript(options.script, "passed to startScriptedModelServer"),
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? defaultMaxRequestBodyBytes,
    nextTurn: 0,
    requests: [],
    stopping: new AbortController(),
  };
  const server = createServer((request, response) => handle(state, request, response));
  const address = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0);
  if (options.unref) server.unref();
  if (options.signal?.aborted) {
    server.close();
    options.signal.throwIfAborted();
  }
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      state.stopping.abort();
      options.signal?.removeEventListener("abort", onAbort);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  const onAbort = () => void close();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    url,
    anthropicBaseUrl: `${url}/v1`,
    openaiBaseUrl: `${url}/v1`,
    requests: state.requests,
    remainingTurns: () => state.script.turns.length - state.nextTurn,
    close,
  };
}
