// The egress proxy over its real Unix socket: refusals (names not listed, IP literals, names that
// resolve to loopback, private or this host's addresses, malformed requests) and, with a real
// target in its own network namespace, allowed tunnels and requests and every limit.
import assert from "node:assert/strict";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { request } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDirectory } from "../sandbox.contract.ts";
import type { EgressDecision, HostResolver } from "./egress-decision.ts";
import { type EgressLimits, type EgressProxy, startEgressProxy } from "./egress-proxy.ts";
import { targetPort, testNetworkSkipReason, useTestNetwork } from "./test-network.ts";

/** A CONNECT through the proxy on a raw socket: the status line, and the socket when it is 200. */
async function connectThrough(
  socketPath: string,
  target: string,
): Promise<{ status: number; text: string; socket: Socket }> {
  const socket = connect(socketPath);
  await once(socket, "connect");
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  let text = "";
  while (!text.includes("\r\n\r\n")) {
    const [chunk] = (await once(socket, "data")) as [Buffer];
    text += chunk.toString();
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  if (status !== 200) {
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    await once(socket, "close");
  }
  return { status, text, socket };
}

/** One plain-HTTP request through the proxy: absolute URI in the request line. */
function requestThrough(
  socketPath: string,
  url: string,
  method = "GET",
  body = "",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        socketPath,
        path: url,
        method,
        headers: { host: URL.parse(url)?.host ?? "allowed.test", connection: "close" },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** A TCP server on the host's 127.0.0.1 that counts the connections it gets. */
async function loopbackServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.end("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nloopbk\n");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  assert.ok(address && typeof address === "object");
  return { server, port: address.port, connections: () => count };
}

describe("egress proxy", () => {
  const scratch = tempDirectory("egress-proxy");
  const proxies: EgressProxy[] = [];
  after(async () => {
    for (const proxy of proxies) await proxy.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function openProxy(
    allowHosts: string[],
    table: Record<string, string[]>,
    limits: Partial<EgressLimits> = {},
  ): Promise<{ socketPath: string; decisions: EgressDecision[]; proxy: EgressProxy }> {
    const socketPath = path.join(scratch, `proxy-${proxies.length}.sock`);
    const decisions: EgressDecision[] = [];
    const resolve: HostResolver = async (host) => table[host] ?? [];
    const proxy = await startEgressProxy({
      socketPath,
      allowHosts,
      resolve,
      onDecision: (decision) => decisions.push(decision),
      limits,
    });
    proxies.push(proxy);
    return { socketPath, decisions, proxy };
  }

  describe("refusals", () => {
    test("a CONNECT to a host not on the list gets 403 with the reason, and the decision is reported", async () => {
      const { socketPath, decisions } = await openProxy(["allowed.test"], {});
      const answer = await connectThrough(socketPath, "example.org:443");
      assert.equal(answer.status, 403);
      assert.match(answer.text, /example\.org:443 refused: not on the allowlist/);
      assert.deepEqual(decisions, [
        {
          host: "example.org",
          port: 443,
          method: "CONNECT",
          verdict: "refused",
          reason: "not on the allowlist",
        },
      ]);
    });

    test("IP literals are refused, v4 and v6", async () => {
      const { socketPath } = await openProxy(["allowed.test"], {});
      for (const target of ["127.0.0.1:80", "93.184.215.14:443", "[::1]:443"]) {
        const answer = await connectThrough(socketPath, target);
        assert.equal(answer.status, 403, target);
        assert.match(answer.text, /IP addresses are refused/);
      }
      const plain = await requestThrough(socketPath, "http://127.0.0.1:80/");
      assert.equal(plain.status, 403);
    });

    test("a listed name that resolves to a loopback service on the host is refused; the service sees nothing", async () => {
      const loopback = await loopbackServer();
      try {
        const { socketPath } = await openProxy(["sneaky.test"], { "sneaky.test": ["127.0.0.1"] });
        const tunnel = await connectThrough(socketPath, `sneaky.test:${loopback.port}`);
        assert.equal(tunnel.status, 403);
        assert.match(tunnel.text, /resolves to 127\.0\.0\.1, a loopback address/);
        const plain = await requestThrough(socketPath, `http://sneaky.test:${loopback.port}/`);
        assert.equal(plain.status, 403);
        assert.equal(loopback.connections(), 0);
      } finally {
        loopback.server.close();
      }
    });

    test("listed names that resolve to private, link-local or CGNAT addresses are refused", async () => {
      const table = {
        "a.test": ["10.0.0.8"],
        "b.test": ["169.254.169.254"],
        "c.test": ["100.64.1.1"],
        "d.test": ["fd00::1"],
      };
      const { socketPath } = await openProxy(Object.keys(table), table);
      for (const host of Object.keys(table)) {
        const answer = await connectThrough(socketPath, `${host}:443`);
        assert.equal(answer.status, 403, host);
        assert.match(answer.text, /resolves to/);
      }
    });

    test("malformed requests get 400: origin-form, https in absolute form, a CONNECT without a port", async () => {
      const { socketPath } = await openProxy(["allowed.test"], {});
      assert.equal((await requestThrough(socketPath, "/relative")).status, 400);
      assert.equal((await requestThrough(socketPath, "https://allowed.test/")).status, 400);
      assert.equal((await connectThrough(socketPath, "allowed.test")).status, 400);
    });

    test("a bad allowlist entry is refused before anything listens", async () => {
      await assert.rejects(
        startEgressProxy({ socketPath: path.join(scratch, "never.sock"), allowHosts: ["10.0.0.1"] }),
        /allowed host "10\.0\.0\.1" cannot be used/,
      );
    });

    test("after close() the socket is gone", async () => {
      const { socketPath, proxy } = await openProxy(["allowed.test"], {});
      await proxy.close();
      const socket = connect(socketPath);
      const [error] = (await once(socket, "error")) as [NodeJS.ErrnoException];
      assert.equal(error.code, "ENOENT");
    });
  });

  const networkSkip = testNetworkSkipReason() ?? false;
  if (networkSkip) console.log(`# skipping the egress proxy's allowed-traffic tests: ${networkSkip}`);

  describe("allowed traffic to a real target", { skip: networkSkip }, () => {
    const network = useTestNetwork();
    const targets = (): Record<string, string[]> => ({
      "allowed.test": [network().targetAddress],
      "own.test": [network().hostAddress],
      "silent.test": [network().silentAddress],
    });

    test("a CONNECT tunnel to an allowed name reaches the target", async () => {
      const { socketPath, decisions } = await openProxy(["allowed.test"], targets());
      const tunnel = await connectThrough(socketPath, `allowed.test:${targetPort}`);
      assert.equal(tunnel.status, 200);
      tunnel.socket.write(`GET /through-tunnel HTTP/1.1\r\nHost: allowed.test\r\nConnection: close\r\n\r\n`);
      let text = "";
      tunnel.socket.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      await once(tunnel.socket, "close");
      assert.match(text, /target says GET allowed\.test \/through-tunnel body=0/);
      assert.deepEqual(decisions, [
        {
          host: "allowed.test",
          port: targetPort,
          method: "CONNECT",
          verdict: "allowed",
          reason: "on the allowlist",
          address: network().targetAddress,
        },
      ]);
    });

    test("plain-HTTP requests are forwarded with their method, path, Host and body", async () => {
      const { socketPath } = await openProxy(["allowed.test"], targets());
      const get = await requestThrough(socketPath, `http://allowed.test:${targetPort}/path?q=1`);
      assert.equal(get.status, 200);
      assert.equal(get.body, `target says GET allowed.test:${targetPort} /path?q=1 body=0\n`);
      const post = await requestThrough(
        socketPath,
        `http://allowed.test:${targetPort}/upload`,
        "POST",
        "x".repeat(5000),
      );
      assert.equal(post.body, `target says POST allowed.test:${targetPort} /upload body=5000\n`);
    });

    test("a listed name resolving to one of this host's own public-looking addresses is refused", async () => {
      const { socketPath } = await openProxy(["own.test"], targets());
      const answer = await connectThrough(socketPath, `own.test:${targetPort}`);
      assert.equal(answer.status, 403);
      assert.match(answer.text, /this host's own addresses/);
    });

    test("a target that does not answer is given up after the connect timeout with 502", async () => {
      const { socketPath } = await openProxy(["silent.test"], targets(), { connectTimeoutMs: 300 });
      const answer = await connectThrough(socketPath, `silent.test:${targetPort}`);
      assert.equal(answer.status, 502);
      assert.match(answer.text, /timed out after 300 ms/);
    });

    test("connections over maxConnections get 503 until one closes", async () => {
      const { socketPath } = await openProxy(["allowed.test"], targets(), { maxConnections: 1 });
      const first = await connectThrough(socketPath, `allowed.test:${targetPort}`);
      assert.equal(first.status, 200);
      const second = await connectThrough(socketPath, `allowed.test:${targetPort}`);
      assert.equal(second.status, 503);
      first.socket.destroy();
      await once(first.socket, "close");
      let third = await connectThrough(socketPath, `allowed.test:${targetPort}`);
      // The proxy learns of the first tunnel's end a moment after the client does.
      for (let attempt = 0; third.status === 503 && attempt < 50; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        third = await connectThrough(socketPath, `allowed.test:${targetPort}`);
      }
      assert.equal(third.status, 200);
      third.socket.destroy();
    });

    test("an idle tunnel is closed by the proxy", async () => {
      const { socketPath } = await openProxy(["allowed.test"], targets(), { idleTimeoutMs: 200 });
      const tunnel = await connectThrough(socketPath, `allowed.test:${targetPort}`);
      assert.equal(tunnel.status, 200);
      await once(tunnel.socket, "close");
      assert.equal(tunnel.socket.destroyed, true);
    });

    test("close() cuts open tunnels", async () => {
      const { socketPath, proxy } = await openProxy(["allowed.test"], targets());
      const tunnel = await connectThrough(socketPath, `allowed.test:${targetPort}`);
      assert.equal(tunnel.status, 200);
      const closed = once(tunnel.socket, "close");
      await proxy.close();
      await closed;
    });
  });
});
