// The command server: a small node program that runs INSIDE a bwrap sandbox for the life of a run,
// so an agent's commands enter an existing set of namespaces instead of paying for new ones each
// time. It reads requests as JSON lines on stdin and answers with JSON lines on stdout (the
// protocol is in command-protocol.ts). Self-contained on purpose: this one file is mounted into
// the sandbox, so it imports nothing at run time but node's own modules.
// Nothing here is trusted by the platform: the host treats every line as untrusted input.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { createInterface } from "node:readline";
// Types only: erased when node strips them, so nothing but this file needs to be inside.
import type {
  RunCommandRequest as RunRequest,
  SignalCommandRequest as SignalRequest,
} from "./command-protocol.ts";

interface ServerSettings {
  /** The egress bridge (socat) to keep running, and the port it listens on. */
  bridge?: { argv: string[]; port: number };
}

/** How long after a command exits its output pipes may stay open (a leftover holding them). */
const pipeDrainMs = 200;
/** How long the leftovers of finished commands may take to die before the server gives up. */
const reapDeadlineMs = 3_000;
/** How long the egress bridge may take to listen. */
const bridgeDeadlineMs = 3_000;

const settings = JSON.parse(process.argv[2] ?? "{}") as ServerSettings;
const running = new Map<string, ChildProcess>();
/** Commands asked for and not yet answered, including those waiting for a reap to finish. */
let active = 0;
let bridge: ChildProcess | undefined;
let reaping: Promise<void> = Promise.resolve();

function send(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function fail(message: string): never {
  send({ ev: "fatal", message });
  // The host ends the whole sandbox when this process goes; nothing half-cleaned survives it.
  process.exit(1);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

async function startBridge(): Promise<void> {
  if (!settings.bridge) return;
  const [program, ...args] = settings.bridge.argv;
  bridge = spawn(program!, args, { stdio: "ignore", detached: true });
  bridge.on("error", () => undefined);
  const deadline = Date.now() + bridgeDeadlineMs;
  while (Date.now() < deadline) {
    if (await listening(settings.bridge.port)) return;
    await sleep(10);
  }
  fail("the egress bridge did not start inside the sandbox; no allowed host can be reached");
}

/** The parent pid of `pid`, from /proc/<pid>/stat (the command name may hold spaces). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** The state letter of one thread, or undefined when it is gone. */
function threadState(pid: number, tid: string): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2);
  } catch {
    return undefined;
  }
}

/**
 * Whether any thread of `pid` still runs (or sleeps, is stopped or traced). Counted per thread: a
 * process whose main thread has exited shows Z for its leader while its other threads run on.
 */
function hasLiveThread(pid: number): boolean {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return tids.some((tid) => {
    const state = threadState(pid, tid);
    return state !== undefined && state !== "Z" && state !== "X";
  });
}

/** Processes with a live thread other than init, this server, the bridge and the bridge's children. */
function leftovers(): number[] {
  const bridgePid = bridge?.pid ?? -1;
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      if (pid === 1 || pid === process.pid || pid === bridgePid) return false;
      // An orphan's parent is init (pid 1): only the bridge's own children are spared.
      return parentOf(pid) !== bridgePid && hasLiveThread(pid);
    });
}

/**
 * End whatever finished commands left behind (a `setsid` daemon, a detached child, a process whose
 * main thread exited). kill(-1) reaches every process of this pid namespace but init and this one
 * in one step, so a fork bomb cannot outrun it, and SIGKILL ends stopped and traced ones too. It is
 * sent again until no thread is left (a process forked between two looks is caught by the next);
 * the bridge dies with it and is started again.
 */
async function reapLeftovers(): Promise<void> {
  if (leftovers().length === 0) return;
  const deadline = Date.now() + reapDeadlineMs;
  do {
    process.kill(-1, "SIGKILL");
    if (Date.now() > deadline) fail("processes left by a command could not be ended");
    await sleep(5);
  } while (leftovers().length > 0 || (bridge && bridge.exitCode === null && bridge.signalCode === null));
  await startBridge();
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // The group is gone already: nothing to signal.
  }
}

function forwardOutput(request: RunRequest, child: ChildProcess): void {
  let forwarded = 0;
  const forward = (stream: "out" | "err") => (chunk: Buffer) => {
    // One byte past the cap tells the host the output was cut; the rest is not sent.
    if (forwarded > request.maxOutputBytes) return;
    const slice = chunk.subarray(0, request.maxOutputBytes + 1 - forwarded);
    forwarded += slice.length;
    send({ ev: "out", id: request.id, stream, data: slice.toString("base64") });
  };
  child.stdout?.on("data", forward("out"));
  child.stderr?.on("data", forward("err"));
}

function finishCommand(id: string, code: number | null, signal: string | null, error?: string): void {
  if (!running.delete(id)) return;
  active--;
  if (active > 0) {
    send({ ev: "exit", id, code, signal, error });
    return;
  }
  // The answer waits for the reap, so the next command never starts among this one's leftovers.
  reaping = reaping.then(reapLeftovers).then(() => send({ ev: "exit", id, code, signal, error }));
}

async function runCommand(request: RunRequest): Promise<void> {
  await reaping;
  const child = spawn(request.command, request.args, {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.set(request.id, child);
  forwardOutput(request, child);
  let closed = false;
  child.on("close", () => {
    closed = true;
  });
  child.on("error", (error) =>
    finishCommand(request.id, 127, null, `could not start ${request.command}: ${error.message}`),
  );
  child.on("exit", (code, signal) => {
    killGroup(child, "SIGKILL");
    const settle = () => finishCommand(request.id, code, signal);
    if (closed) return settle();
    // Output still in the pipes arrives before 'close'; a process that escaped the group may hold
    // them open forever, so wait a moment only.
    const timer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      settle();
    }, pipeDrainMs);
    child.once("close", () => {
      clearTimeout(timer);
      settle();
    });
  });
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(request.stdin);
}

function handle(line: string): void {
  const request = JSON.parse(line) as RunRequest | SignalRequest;
  if (request.op === "run") {
    active++;
    void runCommand(request);
  } else if (request.op === "signal") {
    const child = running.get(request.id);
    if (child) killGroup(child, request.signal);
  }
}

await startBridge();
createInterface({ input: process.stdin })
  .on("line", handle)
  .on("close", () => process.exit(0));
send({ ev: "ready" });
