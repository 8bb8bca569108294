// The attack world's targets on the host: TCP servers that count who connected and answer with a
// canary, Unix sockets where the Docker engine's would be, and a process holding a secret in its
// environment. Each comes with the host's own check that it really is reachable or there.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { networkInterfaces } from "node:os";
import path from "node:path";

/**
 * Answer a connection with `reply` and close it. Its input is read and dropped: a socket nobody
 * reads never sees its peer's end, and would keep its server's close waiting for ever.
 */
function answer(socket: Socket, open: Set<Socket>, reply: string): void {
  open.add(socket);
  socket.on("close", () => open.delete(socket));
  socket.on("error", () => undefined); // The prober hangs up as it likes.
  socket.resume();
  socket.end(reply);
}

/** Stop listening and end every connection still open (a prober killed mid-way never hangs up). */
function closeServer(server: Server, open: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((done) => server.close(() => done()));
  for (const socket of open) socket.destroy();
  return closed;
}

/** A TCP server on the host that counts who connected and answers every request with `reply`. */
export interface CountingServer {
  port: number;
  connections: number;
  close(): Promise<void>;
}

export function listen(address: string, reply: string): Promise<CountingServer> {
  return new Promise((resolve, reject) => {
    const counting = { port: 0, connections: 0, close: () => Promise.resolve() };
    const open = new Set<Socket>();
    const server: Server = createServer((socket) => {
      counting.connections++;
      answer(socket, open, `HTTP/1.1 200 OK\r\ncontent-length: ${reply.length}\r\n\r\n${reply}`);
    });
    server.once("error", reject);
    server.listen(0, address, () => {
      const bound = server.address();
      counting.port = typeof bound === "object" && bound ? bound.port : 0;
      counting.close = () => closeServer(server, open);
      resolve(counting);
    });
  });
}

/** The host's own non-loopback IPv4 addresses (eth0, the docker bridge …). */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => entry.family === "IPv4" && !entry.internal)
    .map((entry) => entry.address);
}

/** What the host itself reads from `host:port` within 3 s ("" when it cannot connect): the control. */
export function fetchFromHost(host: string, port: number, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    let received = "";
    const socket = connect(port, host);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, timeoutMs);
    socket.on("connect", () => socket.write("GET / HTTP/1.0\r\n\r\n"));
    socket.on("data", (chunk) => {
      received += chunk.toString();
    });
    const done = () => {
      clearTimeout(timer);
      resolve(received);
    };
    socket.on("end", done);
    socket.on("error", done);
  });
}

/** Connect to a Unix socket from the host: true when something listens there. */
export function socketAnswers(socketPath: string, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.on("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** Unix sockets the world made where an engine's socket would be (removed by `close`). */
export interface SocketTargets {
  paths: string[];
  close(): Promise<void>;
}

/**
 * Make sure a socket listens at each of `paths`: one already there that answers (the machine's real
 * Docker engine) is kept; otherwise the world listens there itself, and removes it at the end.
 */
export async function socketTargets(paths: string[]): Promise<SocketTargets> {
  const servers: { server: Server; file: string }[] = [];
  const open = new Set<Socket>();
  for (const file of paths) {
    if (await socketAnswers(file)) continue;
    if (existsSync(file)) continue; // Something else is there (a dead socket of another program): leave it.
    mkdirSync(path.dirname(file), { recursive: true });
    const server = createServer((socket) => answer(socket, open, "engine\n"));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(file, resolve);
    });
    servers.push({ server, file });
  }
  return {
    paths,
    async close() {
      for (const { server, file } of servers) {
        await closeServer(server, open);
        rmSync(file, { force: true });
      }
    },
  };
}

/** A host process (the platform's stand-in) holding `value` in its environment as `name`. */
export function processHolding(name: string, value: string): ChildProcess {
  return spawn("sleep", ["600"], { stdio: "ignore", env: { PATH: process.env.PATH ?? "", [name]: value } });
}

/** The host's own check that `pid`'s /proc environ holds `value`. */
export function environHolds(pid: number, value: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").includes(value);
  } catch {
    return false;
  }
}
