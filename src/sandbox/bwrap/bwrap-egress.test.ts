// The bwrap sandbox's network wall with allowed hosts: commands reach exactly the allowed names
// through the egress proxy (curl, curl over CONNECT, node's fetch) and nothing else — not other
// names, not IP addresses, not the host's loopback; without allowed hosts there is no proxy at all.
import assert from "node:assert/strict";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { afterEach, describe, test } from "node:test";
import type { EgressDecision, HostResolver } from "../egress/egress-decision.ts";
import { targetPort, testNetworkSkipReason, useTestNetwork } from "../egress/test-network.ts";
import { askingFor, contractOptions, shell, tempDirectory } from "../sandbox.contract.ts";
import type { ExecRequest } from "../sandbox.ts";
import { type BwrapSandbox, bwrapSandboxBackend, createBwrapSandbox } from "./bwrap-sandbox.ts";
import { findOnPath } from "./toolchain-mounts.ts";

const availability = await bwrapSandboxBackend.availability();
const bwrapSkip = availability.available ? false : `bwrap is unavailable here: ${availability.reason}`;
const curlSkip = findOnPath("curl", "/usr/bin:/bin") ? false : "curl is not installed (apt-get install curl)";
const skip = bwrapSkip || curlSkip;
if (skip) console.log(`# skipping the bwrap egress tests: ${skip}`);
const networkSkip = skip || testNetworkSkipReason() || false;
if (networkSkip && !skip) console.log(`# skipping the bwrap egress tests with a real target: ${networkSkip}`);

/** curl through the sandbox's proxy variables; prints the body, then the status (000: no answer). */
function curl(url: string, ...flags: string[]): ExecRequest {
  const args = ["-sS", "--max-time", "10", "-w", "\\nstatus=%{http_code}\\n", ...flags, url];
  return { command: "curl", args, timeoutMs: 30_000, maxOutputBytes: 16_384 };
}

// Both process spaces: the shared one's bridge is kept by its command server, the own one's per command.
for (const processSpace of ["command", "run"] as const)
  describe(`bwrap sandbox egress, ${processSpace} process space`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    let table: Record<string, string[]> = {};
    const resolve: HostResolver = async (host) => table[host] ?? [];

    async function openSandbox(
      allowHosts: string[],
      decisions: EgressDecision[] = [],
    ): Promise<BwrapSandbox> {
      const worktree = tempDirectory("bwrap-egress");
      const options = {
        ...contractOptions(worktree),
        allowHosts,
        onEgress: (d: EgressDecision) => decisions.push(d),
      };
      const sandbox = askingFor(await createBwrapSandbox(options, { egress: { resolve } }), processSpace);
      cleanups.push(async () => {
        await sandbox.dispose();
        rmSync(worktree, { recursive: true, force: true });
      });
      return sandbox;
    }

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    test("without allowed hosts there is no proxy, no socket and no interface but lo", { skip }, async () => {
      const sandbox = await openSandbox([]);
      const result = await sandbox.exec(
        shell("env | grep -ci proxy; ls /run/slipway-egress 2>&1; tail -n +3 /proc/net/dev | cut -d: -f1"),
      );
      assert.match(result.stdout, /^0\n/);
      assert.match(result.stdout, /No such file or directory/);
      assert.match(result.stdout, /^\s*lo$/m);
      assert.equal(result.stdout.trim().split("\n").at(-1)?.trim(), "lo");
    });

    test("a host not on the list gets the proxy's 403, and the refusal reaches onEgress", {
      skip,
    }, async () => {
      const decisions: EgressDecision[] = [];
      const sandbox = await openSandbox(["allowed.test"], decisions);
      const plain = await sandbox.exec(curl("http://example.org/"));
      assert.match(plain.stdout, /refused: not on the allowlist/);
      assert.match(plain.stdout, /status=403/);
      const tunnel = await sandbox.exec(curl("https://example.org/"));
      assert.notEqual(tunnel.exitCode, 0);
      assert.match(tunnel.stderr, /403/);
      assert.deepEqual(
        decisions.map((decision) => [decision.verdict, decision.host, decision.method]),
        [
          ["refused", "example.org", "GET"],
          ["refused", "example.org", "CONNECT"],
        ],
      );
    });

    test("the host's loopback stays unreachable with allowed hosts, directly and through the proxy", {
      skip,
    }, async () => {
      let connections = 0;
      const server = createServer((socket) => {
        connections++;
        socket.end();
      });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
      const address = server.address();
      assert.ok(address && typeof address === "object");
      table = { "sneaky.test": ["127.0.0.1"] };
      const sandbox = await openSandbox(["sneaky.test"]);
      const direct = await sandbox.exec(curl(`http://127.0.0.1:${address.port}/`, "--noproxy", "*"));
      assert.match(direct.stdout, /status=000/);
      const viaName = await sandbox.exec(curl(`http://sneaky.test:${address.port}/`));
      assert.match(viaName.stdout, /loopback address/);
      const viaLiteral = await sandbox.exec(curl(`http://127.0.0.2:${address.port}/`));
      assert.match(viaLiteral.stdout, /IP addresses are refused/);
      assert.equal(connections, 0);
    });

    test("a command that waits for all its children is not held up by the bridge", { skip }, async () => {
      const sandbox = await openSandbox(["allowed.test"]);
      const result = await sandbox.exec(shell("sleep 0.1 & wait; echo waited", { timeoutMs: 20_000 }));
      assert.equal(result.timedOut, false);
      assert.equal(result.stdout, "waited\n");
    });

    describe("with a real target", { skip: networkSkip }, () => {
      const network = useTestNetwork();
      const target = (): string => network().targetAddress;

      test("curl (plain and through a CONNECT tunnel) and node's fetch reach an allowed host", async () => {
        table = { "allowed.test": [target()] };
        const decisions: EgressDecision[] = [];
        const sandbox = await openSandbox(["allowed.test"], decisions);
        const url = `http://allowed.test:${targetPort}/hello`;
        const plain = await sandbox.exec(curl(url));
        assert.match(
          plain.stdout,
          new RegExp(`target says GET allowed.test:${targetPort} /hello body=0\\n+status=200`),
        );
        const tunnel = await sandbox.exec(curl(url, "--proxytunnel"));
        assert.match(tunnel.stdout, /target says GET .*status=200/s);
        const fetched = await sandbox.exec({
          command: "node",
          args: [
            "-e",
            `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => console.log(t.trim()))`,
          ],
          timeoutMs: 30_000,
          maxOutputBytes: 16_384,
        });
        assert.equal(fetched.stdout, `target says GET allowed.test:${targetPort} /hello body=0\n`);
        assert.deepEqual(
          decisions.map((decision) => [decision.verdict, decision.method, decision.address]),
          [
            ["allowed", "GET", target()],
            ["allowed", "CONNECT", target()],
            // node's fetch (undici's proxy agent) tunnels plain http too.
            ["allowed", "CONNECT", target()],
          ],
        );
      });

      test("the bridge still answers after a command's leftovers were ended", async () => {
        table = { "allowed.test": [target()] };
        const sandbox = await openSandbox(["allowed.test"]);
        const url = `http://allowed.test:${targetPort}/again`;
        // In the shared space, the leftover makes the server end everything, the bridge included.
        const left = await sandbox.exec(shell("setsid sleep 60 > /dev/null 2>&1 & echo left"));
        assert.equal(left.stdout, "left\n");
        const after = await sandbox.exec(curl(url));
        assert.match(after.stdout, /target says GET allowed.test:\d+ \/again body=0\n+status=200/);
      });

      test("the allowed host's own address, and other names resolving to it, stay unreachable", async () => {
        table = { "allowed.test": [target()], "other.test": [target()] };
        const sandbox = await openSandbox(["allowed.test"]);
        const direct = await sandbox.exec(curl(`http://${target()}:${targetPort}/`, "--noproxy", "*"));
        assert.match(direct.stdout, /status=000/);
        const literal = await sandbox.exec(curl(`http://${target()}:${targetPort}/`));
        assert.match(literal.stdout, /status=403/);
        const other = await sandbox.exec(curl(`http://other.test:${targetPort}/`));
        assert.match(other.stdout, /not on the allowlist/);
      });

      test("two sandboxes with different allowlists run at once, each reaching only its own hosts", async () => {
        table = { "first.test": [target()], "second.test": [target()] };
        const [first, second] = await Promise.all([
          openSandbox(["first.test"]),
          openSandbox(["second.test"]),
        ]);
        const both = (host: string) => curl(`http://${host}:${targetPort}/`);
        const [firstOwn, firstOther, secondOwn, secondOther] = await Promise.all([
          first.exec(both("first.test")),
          first.exec(both("second.test")),
          second.exec(both("second.test")),
          second.exec(both("first.test")),
        ]);
        assert.match(firstOwn.stdout, /status=200/);
        assert.match(firstOther.stdout, /status=403/);
        assert.match(secondOwn.stdout, /status=200/);
        assert.match(secondOther.stdout, /status=403/);
      });
    });
  });
