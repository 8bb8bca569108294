// What the docker security tests share: the engine's skip reason (printed), a backend on the test
// image whose containers carry this process's label, and a sweep of them when the file is done.
import { randomInt } from "node:crypto";
import { rmSync } from "node:fs";
import { after } from "node:test";
import {
  type DockerBackendOptions,
  type DockerSandbox,
  dockerSandboxBackend,
} from "../../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import { contractOptions, tempDirectory } from "../../src/sandbox/sandbox.contract.ts";
import type { SandboxOptions } from "../../src/sandbox/sandbox.ts";

/** The skip value for docker tests: a printed reason when no engine (or test image) is here. */
export async function dockerSkip(suite: string): Promise<string | false> {
  const reason = await dockerTestSkipReason();
  if (!reason) return false;
  const skip = `no Docker engine here: ${reason}`;
  console.log(`# skipping ${suite}: ${skip}`);
  return skip;
}

/** Labels on every container this test file makes, so its after hook removes only its own. */
export const testLabels = { "slipway.test": `security-${process.pid}-${randomInt(1e9)}` };

/** Sweep this file's containers and worktrees once it is done. */
export function cleanUpAfter(skip: string | false, worktrees: string[]): void {
  after(async () => {
    for (const worktree of worktrees) rmSync(worktree, { recursive: true, force: true });
    if (!skip) await removeLeftoverContainers({ maxAgeMs: 0, labels: testLabels });
  });
}

/** A docker sandbox on the test image (host toolchain mounted) for a fresh worktree. */
export async function openDockerSandbox(
  worktrees: string[],
  overrides: Partial<SandboxOptions> = {},
  settings: Partial<DockerBackendOptions> = {},
): Promise<DockerSandbox> {
  const worktree = tempDirectory("docker-security");
  worktrees.push(worktree);
  const backend = dockerSandboxBackend({
    image: testImage,
    hostToolchainMounts: true,
    labels: testLabels,
    ...settings,
  });
  return (await backend.create({ ...contractOptions(worktree), ...overrides })) as DockerSandbox;
}
