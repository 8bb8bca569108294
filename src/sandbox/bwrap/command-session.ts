// The platform's half of a long-lived bwrap sandbox: starts the command server inside it, sends it
// commands, and turns its events into ExecResults with the same caps, time limits and kills as a
// sandbox started per command. The server is not trusted: a command it cannot stop in time, or an
// event that breaks the protocol, ends the whole sandbox (and with it every process inside).
import { type ChildProcessWithoutNullStreams, type StdioOptions, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { SandboxError } from "../../core/errors.ts";
import type { ExecResult } from "../sandbox.ts";
import { CappedOutput, cappedResult, killGraceMs, notStartedResult, writeAndClose } from "../spawn-capped.ts";
import {
  type CommandServerEvent,
  type CommandServerRequest,
  EventLineSplitter,
  parseCommandServerEvent,
} from "./command-protocol.ts";

/** One command for the session: everything already in the sandbox's terms (inside cwd, whole env). */
export interface SessionCommand {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  stdin?: string;
  signal?: AbortSignal;
}

export interface SessionLaunch {
  /** The host argv that starts bwrap with the command server inside. */
  argv: [string, ...string[]];
  /** Written to the process's descriptor 3 and closed: bwrap's options (see bwrapInvocation). */
  fd3?: string;
  env: Record<string, string>;
  /** How long the server may take to say it is ready. */
  startTimeoutMs: number;
}

interface PendingCommand {
  output: CappedOutput;
  started: number;
  timedOut: boolean;
  finish: (exitCode: number | null, signal: string | null, note?: string) => void;
}

/** A process as the host knows it: its pid and its start time, which a reused pid does not share. */
interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** How long the namespace's init may take to die once killed, before its end counts as unproven. */
const initDeathDeadlineMs = 5_000;

function identityOf(pid: number): (ProcessIdentity & { state: string }) | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Field 3 (state) is fields[0]; field 22 (starttime) is fields[19].
    return { pid, state: fields[0] ?? "", startTime: fields[19] ?? "" };
  } catch {
    return undefined;
  }
}

/** The sandbox's init (pid 1 of its pid namespace): bwrap's only child on the host. */
function namespaceInit(bwrapPid: number | undefined): ProcessIdentity | undefined {
  if (bwrapPid === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${bwrapPid}/task/${bwrapPid}/children`, "utf8").trim().split(" ");
    return children.length === 1 && children[0] ? identityOf(Number(children[0])) : undefined;
  } catch {
    // No /proc/<pid>/task/<pid>/children (a kernel without CONFIG_PROC_CHILDREN): unknown.
    return undefined;
  }
}

/** True once `init` has ended: gone, a zombie (its namespace is emptied before that), or its pid reused. */
function hasEnded(init: ProcessIdentity): boolean {
  const now = identityOf(init.pid);
  return now === undefined || now.startTime !== init.startTime || now.state === "Z" || now.state === "X";
}

/** What the session's own stderr (bwrap's and node's complaints) keeps, for error messages. */
const maxDiagnosticBytes = 4096;

/** The first line of `text` with words in it (V8 frames its fatal errors in lines of "#"). */
function firstMeaningfulLine(text: string): string {
  const lines = text.split("\n").map((line) => line.replace(/^[#\s]+/, "").trim());
  return lines.find((line) => line !== "") ?? "";
}

export class CommandSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<string, PendingCommand>();
  private readonly closed: Promise<void>;
  private diagnostics = "";
  private endReason: string | undefined;
  private onReady: (() => void) | undefined;
  /** The sandbox's init, found once the server is ready; its end is the end of all inside. */
  private init: ProcessIdentity | undefined;

  private constructor(launch: SessionLaunch) {
    const [program, ...args] = launch.argv;
    const stdio: StdioOptions = launch.fd3 === undefined ? "pipe" : ["pipe", "pipe", "pipe", "pipe"];
    this.child = spawn(program, args, {
      env: launch.env,
      cwd: "/",
      detached: true,
      stdio,
    }) as ChildProcessWithoutNullStreams;
    if (launch.fd3 !== undefined) writeAndClose(this.child.stdio[3] as Writable, launch.fd3);
    this.closed = new Promise((resolve) => this.child.on("close", () => resolve()));
    this.child.on("error", (error) => this.end(`bwrap could not start: ${error.message}`));
    this.child.on("exit", (code, signal) => this.end(`the sandbox ended (${signal ?? `exit ${code}`})`));
    this.child.stderr.setEncoding("utf8").on("data", (text: string) => {
      this.diagnostics = (this.diagnostics + text).slice(-maxDiagnosticBytes);
    });
    const splitter = new EventLineSplitter();
    this.child.stdout.setEncoding("utf8").on("data", (text: string) => {
      try {
        for (const line of splitter.push(text)) this.receive(line);
      } catch (error) {
        this.end((error as Error).message);
      }
    });
    this.child.stdin.on("error", () => {
      // The server is gone; its exit ends the session and answers every pending command.
    });
  }

  /** Start bwrap with the command server and wait until it is ready; throws SandboxError when it is not. */
  static async start(launch: SessionLaunch): Promise<CommandSession> {
    const session = new CommandSession(launch);
    const ready = new Promise<void>((resolve) => {
      session.onReady = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        session.end(`the command server did not start within ${launch.startTimeoutMs} ms`);
        resolve();
      }, launch.startTimeoutMs);
    });
    await Promise.race([ready, timeout, session.closed]);
    clearTimeout(timer);
    if (session.alive) return session;
    await session.close();
    throw new SandboxError(`the sandbox's command server could not start: ${session.problem()}`, {
      code: "sandbox_unavailable",
    });
  }

  /** False once the sandbox has ended (or was found broken): start a new session then. */
  get alive(): boolean {
    return this.endReason === undefined && this.onReady === undefined;
  }

  /** Why the session ended, in one line, with the first thing the sandbox printed on its way out. */
  problem(): string {
    return [this.endReason ?? "it is running", firstMeaningfulLine(this.diagnostics)]
      .filter(Boolean)
      .join(": ");
  }

  run(command: SessionCommand): Promise<ExecResult> {
    if (command.signal?.aborted) return Promise.resolve(notStartedResult(command.command));
    if (!this.alive) return Promise.reject(new SandboxError(`the sandbox has ended: ${this.problem()}`));
    const id = randomBytes(6).toString("hex");
    return new Promise((resolve) => {
      const stop = this.stopper(id);
      const timer = setTimeout(() => {
        pending.timedOut = true;
        stop();
      }, command.timeoutMs);
      const onAbort = (): void => stop();
      command.signal?.addEventListener("abort", onAbort, { once: true });
      const pending: PendingCommand = {
        output: new CappedOutput(command.maxOutputBytes),
        started: performance.now(),
        timedOut: false,
        finish: (exitCode, signal, note) => {
          this.pending.delete(id);
          clearTimeout(timer);
          command.signal?.removeEventListener("abort", onAbort);
          const { timedOut, started, output } = pending;
          resolve(cappedResult(output, { exitCode, signal, timedOut, started, note }));
        },
      };
      this.pending.set(id, pending);
      this.send({
        op: "run",
        id,
        command: command.command,
        args: command.args,
        cwd: command.cwd,
        env: command.env,
        stdin: command.stdin ?? "",
        maxOutputBytes: command.maxOutputBytes,
      });
    });
  }

  /** End the sandbox and every process in it; resolves once bwrap is gone. Safe to call twice. */
  async close(): Promise<void> {
    this.end("the sandbox was closed");
    await this.closed;
  }

  /**
   * After close(): whether the sandbox's pid namespace is shown to be empty — its init has ended,
   * and the kernel ends every process of a namespace before its init. False when that cannot be
   * shown in time, or the init was never seen.
   */
  async namespaceEnded(): Promise<boolean> {
    const init = this.init;
    if (!init) return false;
    const deadline = performance.now() + initDeathDeadlineMs;
    while (!hasEnded(init)) {
      if (performance.now() > deadline) return false;
      await sleep(5);
    }
    return true;
  }

  /**
   * What a time limit or an abort does: SIGTERM to the command's group, SIGKILL after the grace
   * period, and when even that is not answered in time, the end of the whole sandbox.
   */
  private stopper(id: string): () => void {
    let stopping = false;
    const ifRunning = (action: () => void) => () => {
      if (this.pending.has(id)) action();
    };
    return () => {
      if (stopping || !this.pending.has(id)) return;
      stopping = true;
      this.send({ op: "signal", id, signal: "SIGTERM" });
      const kill = ifRunning(() => this.send({ op: "signal", id, signal: "SIGKILL" }));
      const end = ifRunning(() => this.end("a command could not be stopped in time"));
      setTimeout(kill, killGraceMs).unref();
      setTimeout(end, 2 * killGraceMs).unref();
    };
  }

  private send(request: CommandServerRequest): void {
    if (this.alive) this.child.stdin.write(`${JSON.stringify(request)}\n`);
  }

  private receive(line: string): void {
    const event = parseCommandServerEvent(line);
    if (event) this.apply(event);
    else this.end("the command server sent an invalid event");
  }

  private apply(event: CommandServerEvent): void {
    switch (event.ev) {
      case "ready":
        this.init = namespaceInit(this.child.pid);
        this.onReady?.();
        this.onReady = undefined;
        return;
      case "out":
        this.pending.get(event.id)?.output.add(event.stream, Buffer.from(event.data, "base64"));
        return;
      case "exit":
        this.pending.get(event.id)?.finish(event.code, event.signal, event.error ? `${event.error}\n` : "");
        return;
      case "fatal":
        this.end(`the command server stopped: ${event.message}`);
        return;
    }
  }

  /** Mark the session ended, kill everything in it, and answer every pending command. */
  private end(reason: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // bwrap's group is gone already; --die-with-parent and the pid namespace took the rest.
    }
    // The init directly too (checked to be the same process): its death empties the namespace.
    if (this.init && !hasEnded(this.init)) {
      try {
        process.kill(this.init.pid, "SIGKILL");
      } catch {
        // It ended between the check and the kill.
      }
    }
    for (const pending of [...this.pending.values()]) {
      pending.finish(null, "SIGKILL", `slipway: ${reason}\n`);
    }
  }
}
