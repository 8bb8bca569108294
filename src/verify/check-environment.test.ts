// The environment a check sees is a CI runner's, not a colourless one: CI=true, the host's TERM, a
// UTF-8 locale, and neither NO_COLOR nor FORCE_COLOR (a CLI library's colour tests fail under
// NO_COLOR=1); and the worktree is where a CI runner has it, at its own path, so what setup wrote
// with absolute paths (a pnpm-like shim, a venv's scripts) runs in the gate, the agent's sandbox and
// on the host. Run through every backend a check may run in: bwrap in both process spaces, docker, none.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, test } from "node:test";
import { createBwrapBackend } from "../sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../sandbox/docker/docker-sandbox.ts";
import { dockerTestSkipReason, testImage } from "../sandbox/docker/test-image.ts";
import { noneSandboxBackend } from "../sandbox/none/none-sandbox.ts";
import { askingFor, contractOptions, tempDirectory } from "../sandbox/sandbox.contract.ts";
import type { ExecRequest, SandboxBackend } from "../sandbox/sandbox.ts";
import { runVerifiers } from "./run-verifiers.ts";
import type { VerifierCommand } from "./verifier.ts";

// The platform's own environment as a service manager may start it: a TERM, no locale, and a
// FORCE_COLOR that must not cross (the allowlist keeps it out).
process.env.TERM = "xterm-256color";
process.env.FORCE_COLOR = "3";
delete process.env.LANG;
delete process.env.LC_ALL;

const printEnvironment =
  "const pick = (name) => process.env[name] ?? '<unset>'; " +
  "console.log(['CI', 'TERM', 'LANG', 'NO_COLOR', 'FORCE_COLOR'].map((name) => name + '=' + pick(name)).join(' '));";

/** A check that prints the variables and fails, so the generic fallback keeps its output. */
const environmentCheck: VerifierCommand = {
  name: "environment",
  command: "node",
  args: ["-e", `${printEnvironment} process.exit(1);`],
  cwd: ".",
  parser: "generic",
  speeds: ["full"],
  timeoutMs: 60_000,
};

const dockerSkip = await dockerTestSkipReason();
const dockerLabels = { "slipway.test": `check-environment-${process.pid}` };
const backends: { label: string; backend: SandboxBackend; space: ExecRequest["processSpace"] }[] = [
  { label: "bwrap, run space", backend: createBwrapBackend(), space: "run" },
  { label: "bwrap, command space", backend: createBwrapBackend(), space: "command" },
  {
    label: "docker",
    backend: dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: dockerLabels }),
    space: "run",
  },
  { label: "none", backend: noneSandboxBackend, space: "command" },
];

const worktrees: string[] = [];
after(() => {
  for (const worktree of worktrees) rmSync(worktree, { recursive: true, force: true });
});

describe("a check's environment is a CI runner's", () => {
  for (const { label, backend, space } of backends) {
    test(`${label}: CI=true, the host's TERM, LANG=C.UTF-8, no NO_COLOR and no FORCE_COLOR`, async (context) => {
      const availability = await backend.availability();
      const skip =
        backend.name === "docker" && dockerSkip
          ? `no Docker engine here: ${dockerSkip}`
          : availability.reason;
      if (!availability.available || (backend.name === "docker" && dockerSkip)) {
        console.log(`# skipping ${label}: ${skip ?? "unavailable"}`);
        context.skip(skip);
        return;
      }
      const worktree = tempDirectory("check-environment");
      worktrees.push(worktree);
      const sandbox = askingFor(await backend.create(contractOptions(worktree)), space);
      try {
        const report = await runVerifiers(sandbox, [environmentCheck], "full", AbortSignal.timeout(120_000));
        const printed = report.results[0]?.findings.map((finding) => finding.message).join("\n") ?? "";
        assert.match(
          printed,
          /CI=true TERM=xterm-256color LANG=C\.UTF-8 NO_COLOR=<unset> FORCE_COLOR=<unset>/,
        );
      } finally {
        await sandbox.dispose();
      }
    });
  }
});
