// Test-only: a Docker engine with one protection removed, for the weakened attack suite. It is a
// proxy on a Unix socket in front of the real engine (the docker backend takes `socketPath`) that
// rewrites the container definition (or, for `no-run`, each command's exec) and passes the rest,
// hijacked exec streams included, through untouched.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import path from "node:path";
import type { Weakening } from "./weakened-bwrap.ts";

/** The weakenings a container definition can express. */
export const dockerWeakenings = [
  "no-run",
  "network",
  "process-cap",
  "memory-cap",
  "tmpfs-size",
  "userns",
] as const satisfies readonly Weakening[];
export type DockerWeakening = (typeof dockerWeakenings)[number];

/** A request body larger than this is passed on as it is (no definition is that large). */
const maxRewrittenBytes = 1024 * 1024;

type Json = Record<string, unknown>;

function hostConfig(definition: Json): Json {
  const config = (definition.HostConfig ?? {}) as Json;
  definition.HostConfig = config;
  return config;
}

function scale(config: Json, key: string, factor: number): void {
  if (typeof config[key] === "number") config[key] = (config[key] as number) * factor;
}

/** The container definition without the weakening's protection. */
function weakenContainer(definition: Json, weakening: DockerWeakening): Json {
  const config = hostConfig(definition);
  if (weakening === "network") {
    // The host's network namespace: a bridge would still give the container a loopback of its own.
    definition.NetworkDisabled = false;
    config.NetworkMode = "host";
  } else if (weakening === "process-cap") {
    scale(config, "PidsLimit", 4);
    // The agent's uid may also carry an RLIMIT_NPROC: raised alike.
    for (const limit of (config.Ulimits ?? []) as { Name: string; Soft: number; Hard: number }[])
      if (limit.Name === "nproc") Object.assign(limit, { Soft: limit.Soft * 4, Hard: limit.Hard * 4 });
  } else if (weakening === "memory-cap") {
    scale(config, "Memory", 4);
    scale(config, "MemorySwap", 4);
  } else if (weakening === "tmpfs-size") {
    const tmpfs = (config.Tmpfs ?? {}) as Record<string, string>;
    for (const [target, options] of Object.entries(tmpfs))
      tmpfs[target] = options.replace(/(^|,)size=[^,]*/, "");
  } else if (weakening === "userns") {
    // Docker's default seccomp profile refuses unshare(CLONE_NEWUSER) to a process without capabilities.
    config.SecurityOpt = [...((config.SecurityOpt as string[] | undefined) ?? []), "seccomp=unconfined"];
  }
  return definition;
}

/** Each command's exec (the backend's wrapper names itself `slipway-exec`) fails before the command. */
function weakenExec(definition: Json): Json {
  const command = definition.Cmd as string[] | undefined;
  if (command?.[3] !== "slipway-exec") return definition;
  return {
    ...definition,
    Cmd: ["sh", "-c", "echo 'weakened docker: failing before the command' >&2; exit 125"],
  };
}

function rewrite(method: string | undefined, url: string, body: Buffer, weakening: DockerWeakening): Buffer {
  if (method !== "POST" || body.length === 0 || body.length > maxRewrittenBytes) return body;
  const pathname = url.split("?")[0] ?? "";
  const isCreate = /\/containers\/create$/.test(pathname);
  const isExec = /\/containers\/[^/]+\/exec$/.test(pathname);
  if (!isCreate && !isExec) return body;
  if (isExec && weakening !== "no-run") return body;
  if (isCreate && weakening === "no-run") return body;
  const definition = JSON.parse(body.toString("utf8")) as Json;
  const changed = isCreate ? weakenContainer(definition, weakening) : weakenExec(definition);
  return Buffer.from(JSON.stringify(changed));
}

function forward(
  engine: string,
  weakening: DockerWeakening,
  incoming: IncomingMessage,
  reply: ServerResponse,
) {
  const chunks: Buffer[] = [];
  incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
  incoming.on("end", () => {
    const body = rewrite(incoming.method, incoming.url ?? "/", Buffer.concat(chunks), weakening);
    const headers = { ...incoming.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    const upstream = httpRequest(
      { socketPath: engine, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        reply.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(reply);
      },
    );
    upstream.on("error", (error) => reply.destroy(error));
    upstream.end(body);
  });
}

/** A hijacked request (exec start, attach): replay its head to the engine, then pipe both ways. */
function tunnel(engine: string, incoming: IncomingMessage, client: Socket, head: Buffer): void {
  const upstream = connect(engine);
  const lines = [`${incoming.method} ${incoming.url} HTTP/${incoming.httpVersion}`];
  for (let index = 0; index < incoming.rawHeaders.length; index += 2)
    lines.push(`${incoming.rawHeaders[index]}: ${incoming.rawHeaders[index + 1]}`);
  upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
  upstream.write(head);
  upstream.pipe(client);
  client.pipe(upstream);
  upstream.on("error", () => client.destroy());
  client.on("error", () => upstream.destroy());
}

/** Start the proxy in `directory` in front of the engine at `engine`; its socket path and a close. */
export async function weakenedDockerEngine(
  weakening: DockerWeakening,
  engine: string,
  directory: string,
): Promise<{ socketPath: string; close(): Promise<void> }> {
  const socketPath = path.join(directory, `docker-${weakening}.sock`);
  const server = createServer((incoming, reply) => forward(engine, weakening, incoming, reply));
  server.on("upgrade", (incoming: IncomingMessage, client: Socket, head: Buffer) =>
    tunnel(engine, incoming, client, head),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, resolve);
  });
  return {
    socketPath,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
