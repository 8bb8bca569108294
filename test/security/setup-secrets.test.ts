// Security class: a private registry's secret is the setup's only. The setup runs in a sandbox of
// its own with the secret in its commands' environment (and written to an .npmrc in its HOME, as a
// user's install would); once it returns, no process holding the secret is left anywhere on this
// host, the agent's sandbox on the same worktree sees it neither in its environment nor in its HOME,
// and no worktree file holds it. On bwrap (the agent's commands in both process spaces) and docker.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { createBwrapBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { testImage } from "../../src/sandbox/docker/test-image.ts";
import { askingFor, contractOptions, shell, tempDirectory } from "../../src/sandbox/sandbox.contract.ts";
import type { SandboxBackend } from "../../src/sandbox/sandbox.ts";
import { planSetup } from "../../src/setup/plan-setup.ts";
import { parseRepoSetupConfig } from "../../src/setup/repo-setup-config.ts";
import { runSetupInOwnSandbox } from "../../src/setup/setup-sandbox.ts";
import { cleanUpAfter, dockerSkip, testLabels } from "./docker-test-sandbox.ts";

// Built at run time, so no file of this repository holds the value the scans look for.
const canary = ["setup", "secret", "canary", String(process.pid)].join("-");

// The install a private registry needs: the token in an .npmrc in HOME, checked to be there; and a
// leftover process that keeps the token in its environment after its command has ended.
const declared = `setup:
  env: [PRIVATE_TOKEN]
  commands:
    - sh -c 'test -n "$PRIVATE_TOKEN" && printf "//npm.example.com/:_authToken=%s\\\\n" "$PRIVATE_TOKEN" > "$HOME/.npmrc"'
    - sh -c 'setsid sh -c "while :; do sleep 1; done" > /dev/null 2>&1 &'
`;

/** Host processes whose environment holds the canary (every process is visible from here as root). */
function processesHoldingCanary(): string[] {
  const holding: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`).includes(canary)) holding.push(entry);
    } catch {
      // The process ended between the listing and the read: it holds nothing any more.
    }
  }
  return holding;
}

/**
 * Live processes (a sandbox's server, a container) whose root still shows an .npmrc with the
 * canary in the sandbox HOME (/home/sandbox on bwrap and docker): a setup sandbox left alive.
 */
function sandboxHomesHoldingCanary(): string[] {
  const holding: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/root/home/sandbox/.npmrc`).includes(canary)) holding.push(entry);
    } catch {
      // No such file in that process's root (or it ended): nothing held there.
    }
  }
  return holding;
}

function worktreeFilesHolding(root: string): string[] {
  const found: string[] = [];
  const pending = [root];
  for (let steps = 0; pending.length > 0 && steps < 10_000; steps++) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(file);
      else if (entry.isFile() && readFileSync(file).includes(canary)) found.push(file);
    }
  }
  return found;
}

async function bwrapSkip(): Promise<string | false> {
  const availability = await createBwrapBackend().availability();
  if (availability.available) return false;
  const reason = `bwrap is not available here: ${availability.reason}`;
  console.log(`# skipping the bwrap setup-secrets cases: ${reason}`);
  return reason;
}

const worktrees: string[] = [];
const skipBwrap = await bwrapSkip();
const skipDocker = await dockerSkip("the docker setup-secrets case");
cleanUpAfter(skipDocker, worktrees);

const variants: {
  name: string;
  backend: () => SandboxBackend;
  processSpace: "run" | "command";
  skip: string | false;
}[] = [
  {
    name: "bwrap, the agent in the run process space",
    backend: () => createBwrapBackend(),
    processSpace: "run",
    skip: skipBwrap,
  },
  {
    name: "bwrap, the agent in the command process space",
    backend: () => createBwrapBackend(),
    processSpace: "command",
    skip: skipBwrap,
  },
  {
    name: "docker",
    backend: () => dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: testLabels }),
    processSpace: "run",
    skip: skipDocker,
  },
];

for (const variant of variants) {
  describe(`setup secrets stay in setup: ${variant.name}`, () => {
    const { skip } = variant;
    test("the setup gets the secret; afterwards no process, agent environment, agent HOME or worktree file holds it", {
      skip,
    }, async () => {
      const worktree = tempDirectory("setup-secrets");
      worktrees.push(worktree);
      const backend = variant.backend();
      const plan = await planSetup(worktree, parseRepoSetupConfig(".slipway.yml", declared), {
        secretEnv: ["PRIVATE_TOKEN"],
      });
      const result = await runSetupInOwnSandbox({
        backend,
        options: contractOptions(worktree),
        plan,
        timeoutMs: 60_000,
        timeoutMinutes: 1,
        signal: AbortSignal.timeout(120_000),
        environment: { PRIVATE_TOKEN: canary },
      });
      assert.equal(result.passed, true, result.cause);
      assert.deepEqual(processesHoldingCanary(), [], "a process of the setup outlived it with the secret");
      assert.deepEqual(sandboxHomesHoldingCanary(), [], "the setup sandbox's HOME outlived it");

      const agent = askingFor(await backend.create(contractOptions(worktree)), variant.processSpace);
      try {
        const seen = await agent.exec(shell('env; cat "$HOME/.npmrc" 2>/dev/null; ls -a "$HOME"; true'));
        assert.equal(seen.exitCode, 0, seen.output);
        assert.equal(seen.output.includes(canary), false, "the agent's sandbox sees the secret");
        assert.doesNotMatch(seen.output, /\.npmrc/);
      } finally {
        await agent.dispose();
      }
      assert.deepEqual(worktreeFilesHolding(worktree), []);
      assert.equal(JSON.stringify(result).includes(canary), false);
    });
  });
}
