// Runs one program in a sandbox container through the engine's exec API: stdin in, stdout and
// stderr demultiplexed and capped, the exit code from exec inspect, and the timeout and abort
// enforced by stopping the command's process group with a second exec (TERM, then KILL).
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import type { ExecResult } from "../sandbox.ts";
import { platformUser } from "./container-config.ts";
import { controlTimeoutMs, ExecState, withinTime } from "./docker-engine.ts";
import { DemultiplexedOutput } from "./exec-output.ts";

/** Between SIGTERM and SIGKILL to a stopped command's process group. */
const killGraceMs = 2_000;
/** After SIGKILL, how long to wait for the output stream to close before giving up on it. */
const abandonAfterMs = 5_000;

export interface ContainerCommand {
  container: Docker.Container;
  argv: string[];
  /** The environment of the root wrapper (its trusted PATH); the agent's own is in `argv`. */
  env: Record<string, string>;
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Stops the command early; combined from the caller's signal and the sandbox's dispose. */
  signal: AbortSignal;
  /** Signal the command's process group; resolves (never rejects) once delivered or impossible. */
  stop: (signal: "TERM" | "KILL", stopping: AbortSignal) => Promise<void>;
}

/** Resolves when the hijacked exec stream has ended, closed or failed: the command's output is complete. */
function streamClosed(stream: Duplex, output: DemultiplexedOutput): Promise<void> {
  return new Promise((resolve) => {
    stream.on("data", (chunk: Buffer) => output.push(chunk));
    stream.once("end", () => resolve());
    stream.once("close", () => resolve());
    // A broken connection ends the command's output as well; the exit code says the rest.
    stream.once("error", () => resolve());
  });
}

/** The exec's exit code once the engine reports it finished; null when it cannot say (container gone). */
export async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  const deadline = performance.now() + controlTimeoutMs;
  while (performance.now() < deadline) {
    try {
      const state = ExecState.parse(
        await exec.inspect({ abortSignal: AbortSignal.timeout(controlTimeoutMs) }),
      );
      if (!state.Running) return state.ExitCode;
    } catch {
      // The container was removed (dispose) or the engine went away: no exit code to report.
      return null;
    }
    // The output can close a moment before the engine records the exit.
    await sleep(10);
  }
  return null;
}

/** TERM now, KILL after the grace period, then give up on the stream; `done` ends the escalation early. */
async function escalate(
  run: ContainerCommand,
  stream: Duplex,
  done: AbortSignal,
): Promise<"SIGTERM" | "SIGKILL"> {
  await run.stop("TERM", done);
  const waited = await sleep(killGraceMs, true, { signal: done }).catch(() => false);
  if (!waited) return "SIGTERM";
  await run.stop("KILL", done);
  const abandoned = await sleep(abandonAfterMs, true, { signal: done }).catch(() => false);
  // Something outside the command's group (a process that called setsid) holds the output open.
  if (abandoned) stream.destroy();
  return "SIGKILL";
}

/** Run `run.argv` in the container; resolves with the result whatever happens to the command. */
export async function runInContainer(run: ContainerCommand): Promise<ExecResult> {
  const started = performance.now();
  const exec = await run.container.exec({
    Cmd: run.argv,
    Env: Object.entries(run.env).map(([name, value]) => `${name}=${value}`),
    // Root enters "/" (it may not search a directory the agent made private); the agent's own
    // working directory is entered by the wrapper once it runs as the agent.
    WorkingDir: "/",
    User: platformUser,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    abortSignal: AbortSignal.timeout(controlTimeoutMs),
  });
  // No AbortSignal on the start call: it would cut the attached stream when it fired.
  const stream = await withinTime(
    exec.start({ hijack: true, stdin: true }),
    controlTimeoutMs,
    "starting the command",
  );
  const output = new DemultiplexedOutput(run.maxOutputBytes);
  const closed = streamClosed(stream, output);
  stream.end(run.stdin ?? "");

  const done = new AbortController();
  let stopping: { reason: "timeout" | "abort"; escalation: Promise<"SIGTERM" | "SIGKILL"> } | undefined;
  const stop = (reason: "timeout" | "abort"): void => {
    stopping ??= { reason, escalation: escalate(run, stream, done.signal) };
  };
  const timer = setTimeout(() => stop("timeout"), run.timeoutMs);
  const onAbort = (): void => stop("abort");
  run.signal.addEventListener("abort", onAbort, { once: true });
  if (run.signal.aborted) onAbort();
  try {
    await closed;
  } finally {
    clearTimeout(timer);
    run.signal.removeEventListener("abort", onAbort);
    done.abort();
  }
  const exitCode = await exitCodeOf(exec);
  const killedWith = stopping ? await stopping.escalation : null;
  return {
    exitCode: killedWith ? null : exitCode,
    signal: killedWith,
    output: output.text(),
    stdout: output.text("out"),
    stderr: output.text("err"),
    timedOut: stopping?.reason === "timeout",
    truncated: output.truncated,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * Run a short helper program of the platform's as root, with `searchPath` (the platform's PATH, see
 * platformPath) as its only environment, and return its exit code (output is discarded).
 */
export async function runHelper(
  container: Docker.Container,
  argv: string[],
  searchPath: string,
  signal: AbortSignal,
): Promise<number | null> {
  const exec = await container.exec({
    Cmd: argv,
    Env: [`PATH=${searchPath}`],
    WorkingDir: "/",
    User: platformUser,
    AttachStdout: true,
    AttachStderr: true,
    abortSignal: signal,
  });
  const stream = await exec.start({ hijack: true, stdin: false, abortSignal: signal });
  await streamClosed(stream, new DemultiplexedOutput(0));
  return exitCodeOf(exec);
}
