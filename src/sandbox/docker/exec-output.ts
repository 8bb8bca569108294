// Splits the Docker engine's multiplexed exec stream into stdout and stderr, keeping at most a
// byte budget of it in arrival order and counting the rest as dropped.

import { StringDecoder } from "node:string_decoder";
import { completeUtf8Length } from "../spawn-capped.ts";

/** Stream ids in the engine's frame header (byte 0); 0 is stdin, never sent back. */
const streamIds = { 1: "out", 2: "err" } as const;
const headerBytes = 8;

type StreamName = "out" | "err";

/**
 * Output of one exec. Each frame is an 8-byte header (stream id, three zero bytes, a big-endian
 * length) and that many bytes of payload; frames may arrive split across chunks.
 */
export class DemultiplexedOutput {
  private readonly parts: { stream: StreamName; bytes: Buffer }[] = [];
  private readonly limit: number;
  private pending: Buffer = Buffer.alloc(0);
  private kept = 0;
  truncated = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Feed a chunk of the raw stream. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= headerBytes) {
      const length = this.pending.readUInt32BE(4);
      if (this.pending.length < headerBytes + length) return;
      const id = this.pending[0];
      const payload = this.pending.subarray(headerBytes, headerBytes + length);
      this.pending = this.pending.subarray(headerBytes + length);
      if (id === 1 || id === 2) this.keep(streamIds[id], payload);
    }
  }

  private keep(stream: StreamName, payload: Buffer): void {
    const room = this.limit - this.kept;
    if (payload.length > room) this.truncated = true;
    if (room <= 0) return;
    // A cut never splits a character: the rest of a sequence the budget cannot hold is dropped whole.
    const slice =
      payload.length > room ? payload.subarray(0, completeUtf8Length(payload.subarray(0, room))) : payload;
    this.kept += slice.length;
    // Copy: the slice points into a buffer that later chunks would otherwise keep alive whole.
    this.parts.push({ stream, bytes: Buffer.from(slice) });
  }

  /**
   * Kept output of one stream, or of both interleaved in arrival order. Each stream has its own
   * decoder, so a character split across two frames of one stream survives a frame of the other
   * stream arriving between them.
   */
  text(stream?: StreamName): string {
    const decoders = { out: new StringDecoder("utf8"), err: new StringDecoder("utf8") };
    let text = "";
    for (const part of this.parts) {
      if (stream === undefined || part.stream === stream) text += decoders[part.stream].write(part.bytes);
    }
    return text + decoders.out.end() + decoders.err.end();
  }
}
