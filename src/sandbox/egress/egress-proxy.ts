// The egress proxy of one sandbox: an HTTP proxy on a Unix socket in a private directory, which
// the sandbox reaches through a bridge. CONNECT tunnels (HTTPS) and absolute-URI requests (plain
// HTTP) to allowed host names only; everything else gets 403 with a one-line reason. Bounded:
// connect, idle and resolve timeouts and a cap on concurrent connections. Each decision is
// reported to `onDecision`, for the run trace. It runs in the caller's event loop, so sandboxed
// commands must be spawned asynchronously (they are: spawnCapped).
import { chmod } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { SandboxError } from "../../core/errors.ts";
import { exemptRanges } from "./address-policy.ts";
import {
  decideTarget,
  type EgressDecision,
  type HostResolver,
  systemResolver,
  type TargetPolicy,
} from "./egress-decision.ts";
import { normalizeHost, parseAllowlist } from "./host-allowlist.ts";
import { dial, forwardRequest, rawResponse, spliceTunnel } from "./proxy-forwarding.ts";

export interface EgressLimits {
  /** Time to establish the TCP connection to an allowed target. */
  connectTimeoutMs: number;
  /** A tunnel or request with no traffic either way for this long is closed. */
  idleTimeoutMs: number;
  /** Time for the name lookup of a target. */
  resolveTimeoutMs: number;
  /** Tunnels and requests open at once; more get 503. */
  maxConnections: number;
}

export const defaultEgressLimits: EgressLimits = {
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  resolveTimeoutMs: 5_000,
  maxConnections: 64,
};

export interface EgressProxyOptions {
  /** Where to listen: a path in a directory only the platform (and the bridge's mount) can reach. */
  socketPath: string;
  /** Host names (and `*.domain` wildcards) that may be reached; validated here (InputError). */
  allowHosts: readonly string[];
  /** Name lookup; default the system resolver. Tests pass a table (a real function, no mock). */
  resolve?: HostResolver;
  /** Ranges (CIDR) allowed hosts may resolve to although the address policy refuses them. */
  allowAddresses?: readonly string[];
  /** Called once per decision; must not throw (a throw is ignored). */
  onDecision?: (decision: EgressDecision) => void;
  limits?: Partial<EgressLimits>;
}

/** A running egress proxy; `close()` stops it and cuts every open tunnel and request. */
export interface EgressProxy {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** The target of a CONNECT request line: `host:port` or `[v6]:port`. */
function connectTarget(url: string | undefined): { host: string; port: number } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/?#@\s]+):(\d{1,5})$/.exec(url ?? "");
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 1 && port <= 65_535)) return undefined;
  return { host: match[1], port };
}

/** The target of a plain-HTTP proxy request (absolute URI, http only, no credentials). */
function absoluteTarget(
  url: string | undefined,
): { host: string; port: number; path: string; authority: string } | undefined {
  if (!url || !/^http:\/\//i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) return undefined;
    const port = parsed.port ? Number(parsed.port) : 80;
    return {
      host: parsed.hostname,
      port,
      path: `${parsed.pathname}${parsed.search}`,
      authority: parsed.host,
    };
  } catch {
    return undefined;
  }
}

class ProxyState {
  readonly limits: EgressLimits;
  readonly policy: TargetPolicy;
  readonly sockets = new Set<Duplex>();
  active = 0;
  /** Set by close(): connections dialled after it are dropped at once. */
  closed = false;
  private readonly onDecision: ((decision: EgressDecision) => void) | undefined;

  constructor(options: EgressProxyOptions) {
    this.limits = { ...defaultEgressLimits, ...options.limits };
    this.onDecision = options.onDecision;
    this.policy = {
      allowlist: parseAllowlist(options.allowHosts),
      resolve: options.resolve ?? systemResolver,
      resolveTimeoutMs: this.limits.resolveTimeoutMs,
      exempt: options.allowAddresses?.length ? exemptRanges(options.allowAddresses) : undefined,
    };
  }

  report(decision: EgressDecision): void {
    try {
      this.onDecision?.(decision);
    } catch {
      // The callback is the platform's logging: its failure must not break the sandbox's traffic.
    }
  }

  /** Count `resource` (a tunnel's socket, a request's response) until it closes; false over the limit. */
  admit(resource: { once(event: "close", listener: () => void): unknown }): boolean {
    if (this.active >= this.limits.maxConnections) return false;
    this.active++;
    resource.once("close", () => this.active--);
    return true;
  }
}

type Upstream = { upstream: Socket } | { status: number; line: string };

/**
 * Count the request against the limit (`resource` closes when it ends), decide on the target,
 * report the decision, and dial the checked address: the connected socket, or the refusal to send.
 */
async function openUpstream(
  state: ProxyState,
  target: { host: string; port: number; method: string },
  resource: Duplex | ServerResponse,
): Promise<Upstream> {
  const logged = {
    host: normalizeHost(target.host) ?? target.host,
    port: target.port,
    method: target.method,
  };
  const where = `${target.host}:${target.port}`;
  // Admitted before deciding, so the limit also bounds concurrent name lookups.
  if (!state.admit(resource)) {
    state.report({ ...logged, verdict: "refused", reason: "too many connections" });
    return { status: 503, line: `more than ${state.limits.maxConnections} connections at once` };
  }
  const decision = await decideTarget(target.host, state.policy);
  if (!decision.allowed) {
    state.report({ ...logged, verdict: "refused", reason: decision.reason });
    return { status: decision.status, line: `${where} refused: ${decision.reason}` };
  }
  state.report({ ...logged, verdict: "allowed", reason: decision.reason, address: decision.address });
  try {
    const upstream = await dial(decision.address, target.port, state.limits.connectTimeoutMs);
    // The client left (or the proxy closed) while this dialled: nothing may keep the target open.
    if (resource.destroyed || state.closed) {
      upstream.destroy();
      return { status: 502, line: `${where}: the client went away` };
    }
    state.sockets.add(upstream);
    upstream.once("close", () => state.sockets.delete(upstream));
    return { upstream };
  } catch (error) {
    return { status: 502, line: error instanceof Error ? error.message : String(error) };
  }
}

async function handleConnect(state: ProxyState, request: IncomingMessage, client: Duplex, head: Buffer) {
  client.on("error", () => client.destroy());
  const target = connectTarget(request.url);
  if (!target) {
    client.end(rawResponse(400, `slipway egress: "${request.url}" is not a host:port CONNECT target`));
    return;
  }
  const opened = await openUpstream(state, { ...target, method: "CONNECT" }, client);
  if ("upstream" in opened) spliceTunnel(client, head, opened.upstream, state.limits.idleTimeoutMs);
  else client.end(rawResponse(opened.status, `slipway egress: ${opened.line}`));
}

function answer(response: ServerResponse, status: number, line: string): void {
  if (response.destroyed) return;
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  response.end(`slipway egress: ${line}\n`);
}

async function handleRequest(state: ProxyState, request: IncomingMessage, response: ServerResponse) {
  const target = absoluteTarget(request.url);
  if (!target) {
    answer(response, 400, "only absolute http:// URIs are forwarded; use CONNECT (HTTPS_PROXY) for https");
    return;
  }
  const method = request.method ?? "GET";
  const opened = await openUpstream(state, { host: target.host, port: target.port, method }, response);
  if (!("upstream" in opened)) {
    answer(response, opened.status, opened.line);
    return;
  }
  await forwardRequest(request, response, {
    ...target,
    upstream: opened.upstream,
    idleMs: state.limits.idleTimeoutMs,
  });
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Start an egress proxy on `options.socketPath`. Throws InputError for a bad allowlist entry. */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const state = new ProxyState(options);
  // A client gets 10 s for its request headers; requestTimeout (the whole request) may not be shorter.
  const headersTimeout = 10_000;
  const server = createServer({
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, state.limits.idleTimeoutMs),
  });
  // A hard cap on raw connections (idle keep-alive ones included), so file descriptors stay bounded.
  server.maxConnections = state.limits.maxConnections * 4;
  server.on("connection", (socket: Socket) => {
    state.sockets.add(socket);
    socket.once("close", () => state.sockets.delete(socket));
  });
  server.on("connect", (request, socket, head) => void handleConnect(state, request, socket, head));
  server.on("request", (request, response) => void handleRequest(state, request, response));
  server.on("upgrade", (_request, socket: Duplex) => {
    socket.end(rawResponse(501, "slipway egress: protocol upgrades are not forwarded; use https (CONNECT)"));
  });
  try {
    await listen(server, options.socketPath);
    // The sandbox user connects as the caller's uid (bwrap) or as its own (docker): let it write.
    await chmod(options.socketPath, 0o666);
  } catch (error) {
    server.close();
    throw new SandboxError(`the egress proxy could not listen on ${options.socketPath}: ${String(error)}`, {
      details: { socketPath: options.socketPath },
      cause: error,
    });
  }
  let closing: Promise<void> | undefined;
  return {
    socketPath: options.socketPath,
    close() {
      state.closed = true;
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of state.sockets) socket.destroy();
      });
      return closing;
    },
  };
}
