// Red team of 2026-12-07: setup's cause line tells the user which setting lets a refused download
// through. A host the repository allows itself (.slipway.yml setup.allowHosts) can resolve to a
// cloud metadata service (169.254.169.254, Azure's 168.63.129.16) or another address no registry
// lives at; the line then advised putting that address in sandbox.egressAllowAddresses, which would
// open the metadata service (the machine's credentials) to every sandbox. It must not advise that.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import type { EgressDecision } from "../../src/sandbox/egress/egress-decision.ts";
import { startEgressProxy } from "../../src/sandbox/egress/egress-proxy.ts";
import { withEgressRefusals } from "../../src/setup/egress-refusal-cause.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "slipway-redteam-egress-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A CONNECT through the proxy's socket, as a sandboxed install makes it; the status it got. */
function connect(socketPath: string, target: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const asking = request({ socketPath, method: "CONNECT", path: target, timeout: 10_000 });
    asking.on("connect", (response, socket) => {
      socket.destroy();
      resolve(response.statusCode);
    });
    asking.on("response", (response) => resolve(response.statusCode));
    asking.on("error", () => resolve(undefined));
    asking.on("timeout", () => asking.destroy());
    asking.end();
  });
}

test("a repository's own host resolving to a metadata or link-local address: no advice to allow that address", async () => {
  // The names are the repository's (on the allowlist because its .slipway.yml adds them); the
  // answers are what its DNS gives. A table resolver: the proxy's own decision code runs on it.
  const answers: Record<string, string> = {
    "mirror.attacker.example": "169.254.169.254",
    "azure.attacker.example": "168.63.129.16",
    "v6.attacker.example": "fe80::1",
    "multicast.attacker.example": "224.0.0.251",
  };
  const decisions: EgressDecision[] = [];
  const proxy = await startEgressProxy({
    socketPath: path.join(scratch, "proxy.sock"),
    allowHosts: Object.keys(answers),
    resolve: async (host) => [answers[host] ?? "192.0.2.1"],
    onDecision: (decision) => decisions.push(decision),
  });
  try {
    for (const host of Object.keys(answers)) {
      assert.equal(await connect(proxy.socketPath, `${host}:443`), 403, host);
    }
  } finally {
    await proxy.close();
  }
  assert.equal(decisions.length, 4);
  for (const decision of decisions) {
    const cause = withEgressRefusals(
      "npm install failed (exit 1): npm error 403 Forbidden",
      [decision],
      "403",
    );
    assert.match(
      cause,
      new RegExp(`^setup's egress proxy refused ${decision.host.replace(/\./g, "\\.")}: it resolves to `),
    );
    assert.doesNotMatch(cause, /egressAllowAddresses/, cause);
    assert.match(cause, /no registry or mirror is served from there/, cause);
  }
});
