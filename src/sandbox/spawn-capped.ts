// Runs one host process with a timeout that kills its whole process group and an output cap.
// Every sandbox backend ends here: they differ only in the argv and environment they build.
import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { ExecResult } from "./sandbox.ts";

export interface SpawnCappedRequest {
  argv: [string, ...string[]];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  stdin?: string;
  /** Written to the child's file descriptor 3, which is then closed (bwrap reads its options there). */
  fd3?: string;
  signal?: AbortSignal;
}

/** Grace period between SIGTERM and SIGKILL when a process group must die. */
export const killGraceMs = 2_000;

/** The length of `bytes` without a UTF-8 sequence cut off at its end (so a cap never splits a character). */
export function completeUtf8Length(bytes: Buffer): number {
  // Walk back over at most three continuation bytes to the last sequence's lead byte.
  let start = bytes.length - 1;
  while (start >= 0 && start >= bytes.length - 4 && (bytes[start]! & 0xc0) === 0x80) start--;
  if (start < 0) return bytes.length;
  const lead = bytes[start]!;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - start < needed ? start : bytes.length;
}

/**
 * Output kept up to a byte cap. Each stream is decoded by its own StringDecoder, which holds back a
 * character split across chunks until its remaining bytes arrive, so text is decoded as if the
 * stream's kept bytes were decoded at once, and stdout and stderr can still be interleaved.
 */
export class CappedOutput {
  private readonly parts: { stream: "out" | "err"; text: string }[] = [];
  private readonly decoders = { out: new StringDecoder("utf8"), err: new StringDecoder("utf8") };
  private readonly cut = { out: false, err: false };
  private kept = 0;
  private readonly limit: number;
  truncated = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  add(stream: "out" | "err", chunk: Buffer): void {
    if (this.cut[stream]) return;
    const room = this.limit - this.kept;
    let slice = chunk;
    if (chunk.length > room) {
      this.truncated = true;
      this.cut[stream] = true;
      // The cap falls inside the stream: keep only whole characters up to it.
      slice = chunk.subarray(0, Math.max(room, 0));
      slice = slice.subarray(0, completeUtf8Length(slice));
    }
    this.kept += slice.length;
    this.push(stream, this.decoders[stream].write(slice));
  }

  /** Flush what the decoders hold: an incomplete character at a stream's real end is shown as U+FFFD. */
  end(): void {
    for (const stream of ["out", "err"] as const) {
      // A cut stream's held-back bytes are the start of a character the cap dropped: not shown.
      if (!this.cut[stream]) this.push(stream, this.decoders[stream].end());
    }
  }

  text(stream?: "out" | "err"): string {
    return this.parts
      .filter((part) => stream === undefined || part.stream === stream)
      .map((part) => part.text)
      .join("");
  }

  private push(stream: "out" | "err", text: string): void {
    if (text !== "") this.parts.push({ stream, text });
  }
}

/** How a command ended, for `cappedResult`. */
export interface CommandEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** performance.now() when the command was started. */
  started: number;
  /** A note of the platform's own, appended to stderr (e.g. why the command could not start). */
  note?: string;
}

/** The ExecResult of a command whose output is `output`; ends the output's decoders. */
export function cappedResult(output: CappedOutput, end: CommandEnd): ExecResult {
  output.end();
  const note = end.note ?? "";
  return {
    exitCode: end.exitCode,
    signal: end.signal,
    output: output.text() + note,
    stdout: output.text("out"),
    stderr: output.text("err") + note,
    timedOut: end.timedOut,
    truncated: output.truncated,
    durationMs: Math.round(performance.now() - end.started),
  };
}

/** The result of a command that was never started because it was cancelled first. */
export function notStartedResult(program: string): ExecResult {
  const note = `not started: ${program} was aborted before it began\n`;
  return {
    exitCode: null,
    signal: null,
    output: note,
    stdout: "",
    stderr: note,
    timedOut: false,
    truncated: false,
    durationMs: 0,
  };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone: nothing left to kill.
  }
}

/** Write `text` to a child's extra descriptor and close it; a child that closed it first is no failure. */
export function writeAndClose(stream: Writable, text: string): void {
  stream.on("error", () => {
    // The child closed the descriptor without reading it all: its own failure tells the story.
  });
  stream.end(text);
}

/** Spawn `argv` in its own process group; resolve when it exits, was killed, or failed to start. */
export function spawnCapped(request: SpawnCappedRequest): Promise<ExecResult> {
  const started = performance.now();
  const output = new CappedOutput(request.maxOutputBytes);
  // An abort listener added now would never fire: do not start what was already cancelled.
  if (request.signal?.aborted) return Promise.resolve(notStartedResult(request.argv[0]));
  return new Promise((resolve) => {
    const [command, ...args] = request.argv;
    const child = spawn(command, args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: request.fd3 === undefined ? ["pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe", "pipe"],
    });
    if (request.fd3 !== undefined) writeAndClose(child.stdio[3] as Writable, request.fd3);
    let timedOut = false;
    let settled = false;
    const terminate = (): void => {
      killGroup(child.pid, "SIGTERM");
      setTimeout(() => killGroup(child.pid, "SIGKILL"), killGraceMs).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, request.timeoutMs);
    const onAbort = (): void => terminate();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (exitCode: number | null, signal: string | null, extra = ""): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      // Whatever the command left running in its group dies with it: no process outlives a command.
      killGroup(child.pid, "SIGKILL");
      resolve(cappedResult(output, { exitCode, signal, timedOut, started, note: extra }));
    };
    child.stdout.on("data", (chunk: Buffer) => output.add("out", chunk));
    child.stderr.on("data", (chunk: Buffer) => output.add("err", chunk));
    child.on("error", (error) => finish(127, null, `could not start ${command}: ${error.message}\n`));
    // A background child may hold the pipes open after the command exits: end the group at once.
    child.on("exit", () => killGroup(child.pid, "SIGKILL"));
    child.on("close", (code, signal) => finish(code, signal));
    child.stdin.on("error", () => {
      // The process closed its stdin early (it did not read it): not a failure of the run.
    });
    child.stdin.end(request.stdin ?? "");
  });
}
