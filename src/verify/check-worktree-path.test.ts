// The worktree is where a CI runner has it: at its own path in every sandbox. What setup writes
// with absolute paths — a pnpm-like bin shim, a venv and its pip script — runs in the gate's
// sandbox, in the agent's, and on the host; a tool printing absolute paths gives findings with
// repository-relative files and messages. Run through bwrap (setup and gate in their own process
// spaces, the agent in the run's) and docker.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { createBwrapBackend } from "../sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../sandbox/docker/docker-sandbox.ts";
import { dockerTestSkipReason, testImage } from "../sandbox/docker/test-image.ts";
import { askingFor, contractOptions, shell, tempDirectory } from "../sandbox/sandbox.contract.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import { runVerifiers } from "./run-verifiers.ts";
import type { VerifierCommand } from "./verifier.ts";

/**
 * What a setup phase leaves: a venv with a console script whose #! names the venv's python by
 * absolute path, as pip writes them (without pip itself: ensurepip takes half a minute here), and
 * a bin shim naming its package by absolute path, as pnpm writes them.
 */
const setupScript = [
  "python3 -m venv --without-pip .venv",
  `printf '#!%s/.venv/bin/python\nimport sys\nprint(sys.prefix)\n' "$(pwd)" > .venv/bin/tool`,
  "chmod +x .venv/bin/tool",
  "mkdir -p node_modules/hello node_modules/.bin",
  "echo 'console.log(\"hello from the shim\")' > node_modules/hello/cli.js",
  `printf '#!/bin/sh\\nexec node "%s/node_modules/hello/cli.js" "$@"\\n' "$(pwd)" > node_modules/.bin/hello`,
  "chmod +x node_modules/.bin/hello",
].join(" && ");

function check(name: string, command: string, args: string[]): VerifierCommand {
  return { name, command, args, cwd: ".", parser: "generic", speeds: ["full"], timeoutMs: 60_000 };
}

const gateChecks: VerifierCommand[] = [
  check("shim", "node_modules/.bin/hello", []),
  check("venv", ".venv/bin/tool", []),
  // A tool that names files by absolute path, as tsc --build, jest's stack traces or gcc do.
  check("absolute", "node", [
    "-e",
    "console.log(process.cwd() + '/src/a.test.js:3:7: error: boom in ' + process.cwd()); process.exit(1)",
  ]),
];

const dockerSkip = await dockerTestSkipReason();
const backends: { label: string; backend: SandboxBackend }[] = [
  { label: "bwrap", backend: createBwrapBackend() },
  {
    label: "docker",
    backend: dockerSandboxBackend({
      image: testImage,
      hostToolchainMounts: true,
      labels: { "slipway.test": `check-worktree-path-${process.pid}` },
    }),
  },
];

const worktrees: string[] = [];
after(() => {
  for (const worktree of worktrees) rmSync(worktree, { recursive: true, force: true });
});

/** Setup in a sandbox of its own, ended before anything else runs (as the setup stage does). */
async function runSetup(backend: SandboxBackend, worktree: string): Promise<void> {
  const setup = await backend.create(contractOptions(worktree));
  try {
    const result = await setup.exec(shell(setupScript, { timeoutMs: 180_000 }));
    assert.equal(result.exitCode, 0, result.output);
  } finally {
    await setup.dispose();
  }
}

describe("the worktree is at its own path in every sandbox", () => {
  for (const { label, backend } of backends) {
    test(`${label}: setup's absolute paths hold in the gate, the agent's sandbox and on the host`, async (context) => {
      const availability = await backend.availability();
      const skip =
        backend.name === "docker" && dockerSkip ? `no Docker engine here: ${dockerSkip}` : undefined;
      if (!availability.available || skip) {
        console.log(`# skipping ${label}: ${skip ?? availability.reason}`);
        context.skip(skip ?? availability.reason);
        return;
      }
      const worktree = tempDirectory("worktree-path");
      worktrees.push(worktree);
      mkdirSync(path.join(worktree, "src"));
      await runSetup(backend, worktree);

      const gate = askingFor(await backend.create(contractOptions(worktree)), "command");
      try {
        const report = await runVerifiers(gate, gateChecks, "full", AbortSignal.timeout(120_000));
        const [shim, venv, absolute] = report.results;
        assert.equal(shim?.passed, true, shim?.summary);
        assert.equal(venv?.passed, true, venv?.summary);
        const finding = absolute?.findings[0];
        assert.equal(finding?.message, "src/a.test.js:3:7: error: boom in .");
        assert.ok(!report.summary.includes(worktree), report.summary);
      } finally {
        await gate.dispose();
      }

      const agent = askingFor(await backend.create(contractOptions(worktree)), "run");
      try {
        const result = await agent.exec(shell("node_modules/.bin/hello && .venv/bin/tool"));
        assert.equal(result.exitCode, 0, result.output);
        assert.equal(result.stdout, `hello from the shim\n${realpathSync(worktree)}/.venv\n`);
      } finally {
        await agent.dispose();
      }

      // On the host too: nothing written inside names a path that exists only in a sandbox.
      for (const argv of [["node_modules/.bin/hello"], [".venv/bin/tool"]] as const) {
        const host = spawnSync(argv[0], argv.slice(1), { cwd: worktree, encoding: "utf8", timeout: 60_000 });
        assert.equal(host.status, 0, `${argv.join(" ")} on the host: ${host.stderr}`);
      }
    });
  }
});
