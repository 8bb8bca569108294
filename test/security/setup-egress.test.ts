// Security class: the setup's network. The setup sandbox reaches the hosts its plan allows (the
// registries, here a test name for a real target) and nothing else; the agent's sandbox on the same
// worktree, made as the setup stage makes it (no allowHosts), reaches nothing. On bwrap (the agent
// in both process spaces) and docker, against a real server in its own network namespace.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createBwrapBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { testImage } from "../../src/sandbox/docker/test-image.ts";
import type { EgressDecision, HostResolver } from "../../src/sandbox/egress/egress-decision.ts";
import { targetPort, testNetworkSkipReason, useTestNetwork } from "../../src/sandbox/egress/test-network.ts";
import { askingFor, tempDirectory } from "../../src/sandbox/sandbox.contract.ts";
import type { SandboxBackend } from "../../src/sandbox/sandbox.ts";
import { sandboxOptionsFor } from "../../src/sandbox/sandbox-options.ts";
import { planSetup } from "../../src/setup/plan-setup.ts";
import type { SetupCommand } from "../../src/setup/setup-detector.ts";
import { runSetupInOwnSandbox } from "../../src/setup/setup-sandbox.ts";
import { cleanUpAfter, dockerSkip, testLabels } from "./docker-test-sandbox.ts";

const config = {
  sandbox: { memoryMb: 2048, maxProcesses: 128 },
  commands: { timeoutSeconds: 60 },
  verify: { timeoutSeconds: 60 },
};

/** A node program that fetches `host` through the sandbox's proxy and exits 0 only on a 200. */
function fetchCommand(host: string): SetupCommand {
  const url = `http://${host}:${targetPort}/package`;
  const program = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(10000) }).then((r) => { console.log("status=" + r.status); process.exit(r.ok ? 0 : 1); }, (e) => { console.log("error: " + e.message); process.exit(1); })`;
  return { name: `fetch ${host}`, command: "node", args: ["-e", program], cwd: "." };
}

const networkSkip = testNetworkSkipReason() ?? false;
if (networkSkip) console.log(`# skipping the setup egress cases: ${networkSkip}`);
const worktrees: string[] = [];
const skipDocker = await dockerSkip("the docker setup-egress case");
cleanUpAfter(skipDocker, worktrees);

describe("setup egress", { skip: networkSkip }, () => {
  const network = useTestNetwork();
  let table: Record<string, string[]> = {};
  const resolve: HostResolver = async (host) => table[host] ?? [];
  const variants: {
    name: string;
    backend: () => SandboxBackend;
    processSpace: "run" | "command";
    skip: string | false;
  }[] = [
    {
      name: "bwrap, agent in the run space",
      backend: () => createBwrapBackend({ egress: { resolve } }),
      processSpace: "run",
      skip: false,
    },
    {
      name: "bwrap, agent in the command space",
      backend: () => createBwrapBackend({ egress: { resolve } }),
      processSpace: "command",
      skip: false,
    },
    {
      name: "docker",
      backend: () =>
        dockerSandboxBackend({
          image: testImage,
          hostToolchainMounts: true,
          labels: testLabels,
          egress: { resolve },
        }),
      processSpace: "run",
      skip: skipDocker,
    },
  ];

  for (const variant of variants) {
    test(`${variant.name}: setup reaches its registry and nothing else; the agent reaches nothing`, {
      skip: variant.skip,
    }, async () => {
      table = { "registry.test": [network().targetAddress], "other.test": [network().targetAddress] };
      const worktree = tempDirectory("setup-egress");
      worktrees.push(worktree);
      const backend = variant.backend();
      const run = async (command: SetupCommand, decisions: EgressDecision[]) => {
        const repo = { file: ".slipway.yml", commands: [command], env: [], allowHosts: ["registry.test"] };
        const plan = await planSetup(worktree, repo, { secretEnv: [], allowHosts: [] });
        assert.deepEqual(plan.allowHosts, ["registry.test"]);
        const options = {
          ...sandboxOptionsFor(config, worktree, plan.allowHosts),
          onEgress: (d: EgressDecision) => decisions.push(d),
        };
        return runSetupInOwnSandbox({
          backend,
          options,
          plan,
          timeoutMs: 60_000,
          timeoutMinutes: 1,
          signal: AbortSignal.timeout(120_000),
        });
      };
      const allowedDecisions: EgressDecision[] = [];
      const allowed = await run(fetchCommand("registry.test"), allowedDecisions);
      assert.equal(allowed.passed, true, allowed.cause);
      assert.deepEqual(
        allowedDecisions.map((d) => `${d.verdict} ${d.host}`),
        ["allowed registry.test"],
      );
      const refusedDecisions: EgressDecision[] = [];
      const refused = await run(fetchCommand("other.test"), refusedDecisions);
      assert.equal(refused.passed, false);
      assert.match(refused.cause ?? "", /^fetch other\.test failed \(exit 1\): /);
      assert.deepEqual(
        refusedDecisions.map((d) => `${d.verdict} ${d.host}`),
        ["refused other.test"],
      );

      // The agent's sandbox, as the setup stage makes it: no allowHosts, so no proxy and no network.
      const agent = askingFor(
        await backend.create(sandboxOptionsFor(config, worktree)),
        variant.processSpace,
      );
      try {
        const command = fetchCommand("registry.test");
        const reached = await agent.exec({
          command: command.command,
          args: command.args,
          timeoutMs: 30_000,
          maxOutputBytes: 16_384,
        });
        assert.notEqual(reached.exitCode, 0, reached.output);
        assert.doesNotMatch(reached.output, /status=200/);
      } finally {
        await agent.dispose();
      }
    });
  }
});
