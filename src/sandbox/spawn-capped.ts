// Runs one host process with a timeout that kills its whole process group and an output cap.
// Every sandbox backend ends here: they differ only in the argv and environment they build.
import { spawn } from "node:child_process";
import type { ExecResult } from "./sandbox.ts";

export interface SpawnCappedRequest {
  argv: [string, ...string[]];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  stdin?: string;
  signal?: AbortSignal;
}

/** Grace period between SIGTERM and SIGKILL when a process group must die. */
const killGraceMs = 2_000;

class CappedOutput {
  private readonly parts: { stream: "out" | "err"; text: string }[] = [];
  private kept = 0;
  private readonly limit: number;
  truncated = false;

  constructor(limit: number) {
    this.limit = limit;
  }

  add(stream: "out" | "err", chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const slice = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (slice.length < chunk.length) this.truncated = true;
    this.kept += slice.length;
    this.parts.push({ stream, text: slice.toString("utf8") });
  }

  text(stream?: "out" | "err"): string {
    return this.parts
      .filter((part) => stream === undefined || part.stream === stream)
      .map((part) => part.text)
      .join("");
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone: nothing left to kill.
  }
}

/** Spawn `argv` in its own process group; resolve when it exits, was killed, or failed to start. */
export function spawnCapped(request: SpawnCappedRequest): Promise<ExecResult> {
  const started = performance.now();
  const output = new CappedOutput(request.maxOutputBytes);
  if (request.signal?.aborted) {
    // An abort listener added now would never fire: do not start what was already cancelled.
    const note = `not started: ${request.argv[0]} was aborted before it began\n`;
    return Promise.resolve({
      exitCode: null,
      signal: null,
      output: note,
      stdout: "",
      stderr: note,
      timedOut: false,
      truncated: false,
      durationMs: 0,
    });
  }
  return new Promise((resolve) => {
    const [command, ...args] = request.argv;
    const child = spawn(command, args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
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
      resolve({
        exitCode,
        signal,
        output: output.text() + extra,
        stdout: output.text("out"),
        stderr: output.text("err") + extra,
        timedOut,
        truncated: output.truncated,
        durationMs: Math.round(performance.now() - started),
      });
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
