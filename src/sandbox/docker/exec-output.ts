// Splits the Docker engine's multiplexed exec stream into stdout and stderr, keeping at most a
// byte budget of it in arrival order and counting the rest as dropped.

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
    const slice = payload.length > room ? payload.subarray(0, room) : payload;
    this.kept += slice.length;
    // Copy: the slice points into a buffer that later chunks would otherwise keep alive whole.
    this.parts.push({ stream, bytes: Buffer.from(slice) });
  }

  /** Kept output of one stream, or of both interleaved in arrival order. */
  text(stream?: StreamName): string {
    const chosen = this.parts.filter((part) => stream === undefined || part.stream === stream);
    return Buffer.concat(chosen.map((part) => part.bytes)).toString("utf8");
  }
}
