// Security class "what is committed is not what was reviewed", at the sandbox: a writer of the
// agent's still running when the gate freezes the tree is ended first, so the worktree keeps the
// frozen tree afterwards — on bwrap's shared space (agent commands), its own space (checks) and docker.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunEvent } from "../../src/core/run.ts";
import { changedSinceFreeze, freezeWorktree } from "../../src/pipeline/frozen-tree.ts";
import type { RunContext } from "../../src/pipeline/run-context.ts";
import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import { askingFor, contractOptions, shell } from "../../src/sandbox/sandbox.contract.ts";
import type { SandboxBackend } from "../../src/sandbox/sandbox.ts";
import { ensureMirror } from "../../src/workspace/mirror-cache.ts";
import { createWorktree, removeWorktree } from "../../src/workspace/worktree.ts";
import { addProject, makeRepo, tempDir } from "../helpers/git-fixture.ts";

const dockerLabels = { "slipway.test": `frozen-tree-${process.pid}-${randomInt(1e9)}` };
const bwrap = await bwrapSandboxBackend.availability();
const bwrapSkip = bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`;
const dockerReason = await dockerTestSkipReason();
const dockerSkip = dockerReason ? `no Docker engine here: ${dockerReason}` : false;
for (const reason of [bwrapSkip, dockerSkip]) if (reason) console.log(`# skipped: ${reason}`);

const backends: { label: string; backend: SandboxBackend; space: "run" | "command"; skip: string | false }[] =
  [
    { label: "bwrap, shared space", backend: bwrapSandboxBackend, space: "run", skip: bwrapSkip },
    { label: "bwrap, own space", backend: bwrapSandboxBackend, space: "command", skip: bwrapSkip },
    {
      label: "docker",
      backend: dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: dockerLabels }),
      space: "run",
      skip: dockerSkip,
    },
  ];

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  if (!dockerSkip) await removeLeftoverContainers({ maxAgeMs: 0, labels: dockerLabels });
});

/** A run's context with just what freezing needs: the sandbox, the mirror and a trace kept in memory. */
async function openRun(backend: SandboxBackend, space: "run" | "command") {
  const source = makeRepo(addProject);
  const dataDir = tempDir("frozen");
  const { mirrorPath } = await ensureMirror(source, dataDir);
  const worktree = path.join(dataDir, "worktrees", "run_frozen");
  await createWorktree({ mirrorPath, baseRef: "main", branch: "slipway/frozen01", worktreePath: worktree });
  const sandbox = askingFor(await backend.create(contractOptions(worktree)), space);
  const events: Omit<RunEvent, "seq">[] = [];
  const context = {
    services: {
      store: {
        appendEvent: async (event: Omit<RunEvent, "seq">) => {
          events.push(event);
          return { ...event, seq: 0 };
        },
      },
      onProgress: () => undefined,
    },
    run: { id: "run_frozen", stage: "gate" },
    signal: AbortSignal.timeout(120_000),
    mirrorPath,
    sandbox,
  } as unknown as RunContext;
  cleanups.push(async () => {
    await sandbox.dispose();
    await removeWorktree(mirrorPath, worktree);
    rmSync(source, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { context, worktree, sandbox, events };
}

function sizeOf(file: string): number {
  return statSync(file).size;
}

describe("a writer still running when the tree is frozen", () => {
  for (const { label, backend, space, skip } of backends) {
    test(`is ended before the freeze, and the worktree keeps the frozen tree (${label})`, {
      skip,
    }, async () => {
      const { context, worktree, sandbox, events } = await openRun(backend, space);
      const target = path.join(worktree, "src/add.js");
      const before = sizeOf(target);
      // Not awaited: the command is still running when the agent's turn ends, as an abandoned one is.
      const writer = sandbox.exec(
        shell("while :; do echo '// rewritten' >> src/add.js; done", { timeoutMs: 60_000 }),
      );
      writer.catch(() => undefined);
      for (let attempt = 0; attempt < 400 && sizeOf(target) === before; attempt++) await sleep(25);
      assert.ok(sizeOf(target) > before, "positive control: the writer wrote before the freeze");
      const tree = await freezeWorktree(context);
      assert.deepEqual(await changedSinceFreeze(context, "test"), []);
      const settled = await writer;
      assert.equal(settled.exitCode === 0, false, "the writer was stopped, it did not end by itself");
      assert.deepEqual(
        events.filter((event) => event.type === "tree-freeze").map((event) => event.data.tree),
        [tree],
      );
    });
  }
});
