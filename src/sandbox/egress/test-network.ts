// For tests: a real HTTP server at a public-looking address, so an allowed connection through the
// egress proxy can really succeed while loopback and private addresses stay refused. The server
// runs in its own network namespace joined to the host by a veth pair on a /29 of 192.88.99.0/24
// (the retired 6to4 relay anycast prefix, RFC 7526: public, so the proxy passes it, yet served by
// nobody a test could disturb; the documentation ranges are refused like private ones). Needs root and `ip`
// (iproute2); `testNetworkSkipReason` says why not when they are missing.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { after, before } from "node:test";
import { promisify } from "node:util";
import { findOnPath } from "../bwrap/toolchain-mounts.ts";

const run = promisify(execFile);
const commandTimeoutMs = 10_000;
const readyTimeoutMs = 15_000;
/** The port the target listens on inside its namespace. */
export const targetPort = 8080;

/** A target server in its own namespace; `close()` stops it and deletes the namespace. */
export interface TestNetwork {
  /** The target's address (inside the namespace). */
  targetAddress: string;
  /** The host's end of the veth pair: one of this host's own addresses. */
  hostAddress: string;
  /** An address of the /29 nobody answers (connections to it hang until a timeout). */
  silentAddress: string;
  close(): Promise<void>;
}

/** Why the test network cannot be built here, or undefined when it can. */
export function testNetworkSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "network namespaces need root (run the tests as root)";
  if (!findOnPath("ip", "/usr/sbin:/sbin:/usr/bin:/bin"))
    return "the `ip` command is missing: install iproute2 (`apt-get install iproute2`)";
  return undefined;
}

/** The target: answers every request with its method, Host header and path, and the body's length. */
const serverProgram = `
const http = require("node:http");
const server = http.createServer((request, response) => {
  let length = 0;
  request.on("data", (chunk) => { length += chunk.length; });
  request.on("end", () => response.end("target says " + request.method + " " + request.headers.host + " " + request.url + " body=" + length + "\\n"));
});
server.listen(${targetPort}, process.argv[1], () => console.log("ready"));
`;

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run("ip", args, { timeout: commandTimeoutMs });
  return stdout;
}

/** A /29 of 192.88.99.0/24 no interface of this host uses yet. */
async function freeSubnet(): Promise<string> {
  const inUse = await ip("-4", "-o", "addr");
  for (let attempt = 0; attempt < 16; attempt++) {
    const base = `192.88.99.${randomInt(32) * 8}`;
    const prefix = base.slice(0, base.lastIndexOf(".") + 1);
    const start = Number(base.slice(base.lastIndexOf(".") + 1));
    const taken = [0, 1, 2, 3, 4, 5, 6, 7].some((offset) => inUse.includes(` ${prefix}${start + offset}/`));
    if (!taken) return base;
  }
  throw new Error("no free /29 left in 192.88.99.0/24 on this host");
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the test target did not start")), readyTimeoutMs);
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the test target exited with code ${code}`));
    });
  });
}

/** Build the namespace and the veth pair, and start the target in it. */
export async function startTestNetwork(): Promise<TestNetwork> {
  const id = randomBytes(3).toString("hex");
  const namespace = `slipway-egress-${id}`;
  const base = await freeSubnet();
  const prefix = base.slice(0, base.lastIndexOf(".") + 1);
  const start = Number(base.slice(base.lastIndexOf(".") + 1));
  const [hostAddress, targetAddress, silentAddress] = [1, 2, 3].map((offset) => `${prefix}${start + offset}`);
  let child: ChildProcess | undefined;
  const close = async (): Promise<void> => {
    child?.kill("SIGKILL");
    // Deleting the namespace destroys its end of the veth pair, and with it the host's end.
    await ip("netns", "del", namespace).catch(() => undefined);
  };
  try {
    await ip("netns", "add", namespace);
    await ip("link", "add", `slwh${id}`, "type", "veth", "peer", "name", `slwn${id}`, "netns", namespace);
    await ip("addr", "add", `${hostAddress}/29`, "dev", `slwh${id}`);
    await ip("link", "set", `slwh${id}`, "up");
    await ip("-n", namespace, "addr", "add", `${targetAddress}/29`, "dev", `slwn${id}`);
    await ip("-n", namespace, "link", "set", `slwn${id}`, "up");
    child = spawn(
      "ip",
      ["netns", "exec", namespace, process.execPath, "-e", serverProgram, String(targetAddress)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await waitForReady(child);
    return {
      targetAddress: String(targetAddress),
      hostAddress: String(hostAddress),
      silentAddress: String(silentAddress),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Start a test network before the current suite's tests and close it after them; the returned
 * function gives it to a test (it throws when called outside the suite's tests).
 */
export function useTestNetwork(): () => TestNetwork {
  let network: TestNetwork | undefined;
  before(async () => {
    network = await startTestNetwork();
  });
  after(async () => {
    await network?.close();
  });
  return () => {
    if (!network) throw new Error("the test network is started by the suite's before hook");
    return network;
  };
}
