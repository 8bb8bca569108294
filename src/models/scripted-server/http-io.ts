// The scripted server's HTTP edges: reading a bounded request body and writing a WireReply
// (JSON or server-sent events) to the response.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { WireReply } from "./wire-protocol.ts";

export type BodyRead = { kind: "ok"; text: string } | { kind: "too-large" } | { kind: "aborted" };

/**
 * Read the whole body as UTF-8. Past `maxBytes` it answers "too-large" at once and drains the
 * rest unread, so the client, still sending, can receive the 413.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size - chunk.length <= maxBytes) {
        chunks.length = 0;
        resolve({ kind: "too-large" });
      }
    });
    request.once("end", () => resolve({ kind: "ok", text: Buffer.concat(chunks).toString("utf8") }));
    // Closed before the end: the client went away mid-body and there is nobody left to answer.
    request.once("close", () => resolve({ kind: "aborted" }));
    request.once("error", () => resolve({ kind: "aborted" }));
  });
}

/** Header names in lower case, repeated headers joined with ", " as HTTP allows. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Write a reply and end the response; a no-op when the client has already gone. */
export function writeReply(
  response: ServerResponse,
  reply: WireReply,
  extraHeaders: Record<string, string> = {},
): void {
  if (response.destroyed || response.writableEnded) return;
  if (reply.kind === "json") {
    const body = JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      ...reply.headers,
      ...extraHeaders,
    });
    response.end(body);
    return;
  }
  response.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...extraHeaders,
  });
  for (const event of reply.events) {
    response.write(`${event.event ? `event: ${event.event}\n` : ""}data: ${event.data}\n\n`);
  }
  response.end();
}
