// What the egress proxy does once a target is allowed: dial the checked address with a connect
// timeout, then either splice a CONNECT tunnel (HTTPS) or forward one plain-HTTP request, each
// side closed after an idle timeout. Nothing here decides; egress-decision.ts does.
import {
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import { connect, Socket } from "node:net";
import type { Duplex } from "node:stream";

/** Headers that belong to one hop (client → proxy), never forwarded to the target. */
const hopHeaders = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const statusText: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** A one-line plain-text HTTP response written straight on a socket (CONNECT has no ServerResponse). */
export function rawResponse(status: number, line: string): string {
  const body = `${line}\n`;
  return [
    `HTTP/1.1 ${status} ${statusText[status] ?? "Error"}`,
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/** Connect to `address`:`port`, failing after `timeoutMs` with an error whose message says so. */
export function dial(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connecting to ${address}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `connecting to ${address}:${port} failed (${"code" in error ? error.code : error.message})`,
        ),
      );
    });
  });
}

/** Close both sides after `idleMs` without traffic on either, or as soon as one side goes away. */
function tieTogether(client: Duplex, upstream: Socket, idleMs: number): void {
  const end = (): void => {
    client.destroy();
    upstream.destroy();
  };
  for (const side of [client, upstream]) {
    side.on("error", end);
    side.on("close", end);
  }
  // A socket's idle timer restarts on reads and writes alike, so traffic either way keeps both open.
  upstream.setTimeout(idleMs, end);
  if (client instanceof Socket) client.setTimeout(idleMs, end);
}

/** Answer a CONNECT with 200 and splice the client and the dialled target together. */
export function spliceTunnel(client: Duplex, head: Buffer, upstream: Socket, idleMs: number): void {
  tieTogether(client, upstream, idleMs);
  client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  if (head.length > 0) upstream.write(head);
  client.pipe(upstream);
  upstream.pipe(client);
}

/** The request's headers for the target: hop-by-hop ones dropped, Host set to what the client asked. */
export function forwardedHeaders(headers: IncomingHttpHeaders, authority: string): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!hopHeaders.has(name) && !named.has(name) && value !== undefined) kept[name] = value;
  }
  kept.host = authority;
  return kept;
}

/** Forward one plain-HTTP request over `upstream` (already connected) and stream the answer back. */
export function forwardRequest(
  incoming: IncomingMessage,
  response: ServerResponse,
  target: { upstream: Socket; path: string; authority: string; idleMs: number },
): Promise<void> {
  return new Promise((resolve) => {
    const outgoing: ClientRequest = request({
      method: incoming.method,
      path: target.path,
      headers: forwardedHeaders(incoming.headers, target.authority),
      setHost: false,
      createConnection: () => target.upstream,
    });
    const fail = (status: number, line: string): void => {
      if (!response.headersSent) {
        response.writeHead(status, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        response.end(`${line}\n`);
      } else response.destroy();
      outgoing.destroy();
      resolve();
    };
    outgoing.setTimeout(target.idleMs, () =>
      fail(504, `${target.authority} sent nothing for ${target.idleMs} ms`),
    );
    outgoing.on("error", (error) => fail(502, `${target.authority} failed: ${error.message}`));
    outgoing.on("response", (answer) => {
      const headers = forwardedHeaders(answer.headers, target.authority);
      delete headers.host;
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(response);
      answer.on("error", () => response.destroy());
      answer.on("end", () => resolve());
    });
    response.on("close", () => {
      outgoing.destroy();
      resolve();
    });
    incoming.pipe(outgoing);
  });
}
