// The docker sandbox and the host's CA bundle: a docker setup runs `npm ci` from registry.npmjs.org
// through the egress proxy. Where this machine reaches the registry through an intercepting proxy,
// the install trusts it only because the host's CA files (named by NODE_EXTRA_CA_CERTS …) are
// mounted into the container: without them npm fails with SELF_SIGNED_CERT_IN_CHAIN.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { dockerSandboxBackend } from "../src/sandbox/docker/docker-sandbox.ts";
import { testImage } from "../src/sandbox/docker/test-image.ts";
import { tempDirectory } from "../src/sandbox/sandbox.contract.ts";
import { sandboxOptionsFor } from "../src/sandbox/sandbox-options.ts";
import { planSetup } from "../src/setup/plan-setup.ts";
import { runSetupInOwnSandbox } from "../src/setup/setup-sandbox.ts";
import { writeFiles } from "./helpers/git-fixture.ts";
import { registryReach } from "./helpers/setup-project.ts";
import { cleanUpAfter, dockerSkip, testLabels } from "./security/docker-test-sandbox.ts";

const registry = await registryReach();
if (registry.skip) console.log(`# skipping the docker install from registry.npmjs.org: ${registry.skip}`);
const skip = (await dockerSkip("the docker install from registry.npmjs.org")) || registry.skip || false;
const worktrees: string[] = [];
cleanUpAfter(skip, worktrees);

const config = {
  sandbox: { memoryMb: 2048, maxProcesses: 256 },
  commands: { timeoutSeconds: 120 },
  verify: { timeoutSeconds: 120 },
};

test("docker: setup's npm ci installs from registry.npmjs.org with the host's CA files", {
  skip,
}, async () => {
  const worktree = tempDirectory("setup-docker-ca");
  worktrees.push(worktree);
  writeFiles(worktree, {
    "package.json": JSON.stringify({
      name: "ca-fixture",
      private: true,
      dependencies: { "is-number": "7.0.0" },
    }),
  });
  execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: worktree,
    stdio: "pipe",
    timeout: 120_000,
  });
  const backend = dockerSandboxBackend({
    image: testImage,
    hostToolchainMounts: true,
    labels: testLabels,
    egress: { allowAddresses: registry.allowAddresses },
  });
  const repo = {
    file: ".slipway.yml",
    commands: [{ name: "npm ci", command: "npm", args: ["ci", "--no-audit", "--no-fund"], cwd: "." }],
    env: [],
    allowHosts: ["registry.npmjs.org"],
  };
  const plan = await planSetup(worktree, repo, { secretEnv: [], allowHosts: [] });
  const result = await runSetupInOwnSandbox({
    backend,
    options: sandboxOptionsFor(config, worktree, plan.allowHosts),
    plan,
    timeoutMs: 180_000,
    timeoutMinutes: 3,
    signal: AbortSignal.timeout(240_000),
  });
  assert.equal(result.passed, true, result.cause);
  assert.ok(existsSync(path.join(worktree, "node_modules/is-number/index.js")));
});
