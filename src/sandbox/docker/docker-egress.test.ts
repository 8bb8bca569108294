// The docker sandbox's network wall with allowed hosts, against a real engine: the container keeps
// no network but `lo`; allowed names are reached through the egress proxy (socat bridge and node
// bridge), everything else is refused; an image that can run no bridge is refused by name.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { rmSync } from "node:fs";
import { afterEach, describe, test } from "node:test";
import type { EgressDecision, HostResolver } from "../egress/egress-decision.ts";
import { targetPort, testNetworkSkipReason, useTestNetwork } from "../egress/test-network.ts";
import { contractOptions, shell, tempDirectory } from "../sandbox.contract.ts";
import type { ExecRequest, Sandbox } from "../sandbox.ts";
import type { BridgeProgram } from "./docker-egress.ts";
import { connectEngine } from "./docker-engine.ts";
import { dockerSandboxBackend } from "./docker-sandbox.ts";
import { removeLeftoverContainers } from "./leftover-containers.ts";
import { dockerTestSkipReason, ensureSelfContainedTestImage, testImage } from "./test-image.ts";

const skipReason = await dockerTestSkipReason();
const skip = skipReason ? `no Docker engine here: ${skipReason}` : false;
if (skip) console.log(`# skipping the docker egress tests: ${skip}`);
const networkSkip = skip || testNetworkSkipReason() || false;
if (networkSkip && !skip)
  console.log(`# skipping the docker egress tests with a real target: ${networkSkip}`);

const testLabels = { "slipway.test": `docker-egress-${process.pid}-${randomInt(1e9)}` };

/** curl (from the host's /usr, mounted read-only) through the proxy variables: body, then status. */
function curl(url: string): ExecRequest {
  const args = ["-sS", "--max-time", "10", "-w", "\\nstatus=%{http_code}\\n", url];
  return { command: "curl", args, timeoutMs: 30_000, maxOutputBytes: 16_384 };
}

describe("docker sandbox egress", () => {
  const cleanups: (() => Promise<void>)[] = [];
  let table: Record<string, string[]> = {};
  const resolve: HostResolver = async (host) => table[host] ?? [];

  async function openSandbox(
    allowHosts: string[],
    options: { bridges?: BridgeProgram[]; image?: string; decisions?: EgressDecision[] } = {},
  ): Promise<Sandbox> {
    const worktree = tempDirectory("docker-egress");
    cleanups.push(async () => rmSync(worktree, { recursive: true, force: true }));
    const backend = dockerSandboxBackend({
      image: options.image ?? testImage,
      hostToolchainMounts: options.image === undefined,
      labels: testLabels,
      egress: { resolve, bridges: options.bridges },
    });
    const onEgress = (decision: EgressDecision) => options.decisions?.push(decision);
    const sandbox = await backend.create({ ...contractOptions(worktree), allowHosts, onEgress });
    cleanups.unshift(() => sandbox.dispose());
    return sandbox;
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    if (!skip) await removeLeftoverContainers({ maxAgeMs: 0, labels: testLabels });
  });

  test("with allowed hosts the container still has only lo, and a host not listed gets 403", {
    skip,
  }, async () => {
    const decisions: EgressDecision[] = [];
    const sandbox = await openSandbox(["allowed.test"], { decisions });
    const interfaces = await sandbox.exec(shell("ls /sys/class/net"));
    assert.equal(interfaces.stdout, "lo\n");
    const refused = await sandbox.exec(curl("http://example.org/"));
    assert.match(refused.stdout, /refused: not on the allowlist\n+status=403/);
    assert.deepEqual(
      decisions.map((decision) => [decision.verdict, decision.host]),
      [["refused", "example.org"]],
    );
  });

  test("without allowed hosts there are no proxy variables and no socket", { skip }, async () => {
    const sandbox = await openSandbox([]);
    const result = await sandbox.exec(shell("env | grep -ci proxy; ls /run/slipway-egress 2>&1"));
    assert.match(result.stdout, /^0\n/);
    assert.match(result.stdout, /No such file or directory/);
  });

  test("an image with neither socat nor node is refused by name, and no container is left", {
    skip,
  }, async () => {
    const image = await ensureSelfContainedTestImage();
    await assert.rejects(openSandbox(["allowed.test"], { image }), (error: unknown) => {
      assert.ok(error instanceof Error && "code" in error);
      assert.equal(error.code, "sandbox_unavailable");
      assert.match(error.message, new RegExp(`socat or node in the image "${image}"`));
      return true;
    });
    const left = await connectEngine().listContainers({
      all: true,
      filters: { label: [`slipway.test=${testLabels["slipway.test"]}`] },
    });
    assert.deepEqual(left, []);
  });

  describe("with a real target", { skip: networkSkip }, () => {
    const network = useTestNetwork();

    for (const bridge of ["socat", "node"] as const) {
      test(`the ${bridge} bridge reaches an allowed host; its address and the host's loopback stay refused`, async () => {
        const { targetAddress } = network();
        table = { "allowed.test": [targetAddress], "sneaky.test": ["127.0.0.1"] };
        const sandbox = await openSandbox(["allowed.test", "sneaky.test"], { bridges: [bridge] });
        const allowed = await sandbox.exec(curl(`http://allowed.test:${targetPort}/from-docker`));
        assert.match(
          allowed.stdout,
          new RegExp(`target says GET allowed.test:${targetPort} /from-docker body=0\\n+status=200`),
        );
        const literal = await sandbox.exec(curl(`http://${targetAddress}:${targetPort}/`));
        assert.match(literal.stdout, /IP addresses are refused/);
        const loopback = await sandbox.exec(curl(`http://sneaky.test:${targetPort}/`));
        assert.match(loopback.stdout, /loopback address/);
      });
    }
  });
});
