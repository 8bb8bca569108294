// The wire between the platform and the command server inside a bwrap sandbox: requests the
// platform writes (JSON lines on the server's stdin) and the events it reads back (JSON lines on
// its stdout). Events come from inside the sandbox, so they are parsed as untrusted input.
import { z } from "zod";

/** A command for the server to start; `cwd` and `env` are the inside ones, whole. */
export interface RunCommandRequest {
  op: "run";
  id: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin: string;
  maxOutputBytes: number;
}

export interface SignalCommandRequest {
  op: "signal";
  id: string;
  signal: "SIGTERM" | "SIGKILL";
}

export type CommandServerRequest = RunCommandRequest | SignalCommandRequest;

export const CommandServerEvent = z.discriminatedUnion("ev", [
  z.object({ ev: z.literal("ready") }),
  z.object({
    ev: z.literal("out"),
    id: z.string(),
    stream: z.enum(["out", "err"]),
    data: z.base64(),
  }),
  z.object({
    ev: z.literal("exit"),
    id: z.string(),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    error: z.string().optional(),
  }),
  z.object({ ev: z.literal("fatal"), message: z.string() }),
]);
export type CommandServerEvent = z.infer<typeof CommandServerEvent>;

/** The longest event line accepted; an output chunk is at most 64 KiB before base64. */
export const maxEventLineBytes = 1024 * 1024;

/** One line of the server's stdout as an event, or undefined when it is not a valid one. */
export function parseCommandServerEvent(line: string): CommandServerEvent | undefined {
  try {
    const parsed = CommandServerEvent.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: the caller treats it as a broken server, like any other invalid event.
    return undefined;
  }
}

/**
 * Splits a byte stream into lines, refusing any longer than `maxEventLineBytes` (a process inside
 * could otherwise make the platform buffer without end).
 */
export class EventLineSplitter {
  private pending = "";

  /** The complete lines in `chunk`; throws when a line grows past the limit. */
  push(chunk: string): string[] {
    const lines = (this.pending + chunk).split("\n");
    this.pending = lines.pop() ?? "";
    if (this.pending.length > maxEventLineBytes || lines.some((line) => line.length > maxEventLineBytes)) {
      throw new Error(`an event line from the command server exceeded ${maxEventLineBytes} bytes`);
    }
    return lines.filter((line) => line !== "");
  }
}
