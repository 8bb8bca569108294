// Breach 1's class, "a process outlives the command that started it": a writer hidden as a zombie
// leader with a live thread (alone, after setsid and a double fork, stopped, or under a tracer that
// swallows signals) must be gone when its command ends, and when killAll() ends a command still
// running — on bwrap's shared space (agent commands), bwrap's own space (verification) and docker.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import { askingFor, contractOptions, shell, tempDirectory } from "../../src/sandbox/sandbox.contract.ts";
import type { SandboxBackend } from "../../src/sandbox/sandbox.ts";
import {
  type HidingTrick,
  hidingScript,
  liveThreadsWith,
  tracerPayload,
  writerPayload,
} from "./process-containment-payloads.ts";

const dockerLabels = { "slipway.test": `process-containment-${process.pid}-${randomInt(1e9)}` };
const bwrap = await bwrapSandboxBackend.availability();
const bwrapSkip = bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`;
const dockerReason = await dockerTestSkipReason();
const dockerSkip = dockerReason ? `no Docker engine here: ${dockerReason}` : false;

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
const tricks: HidingTrick[] = ["zombie-leader", "setsid-double-fork", "stopped", "ptrace"];
/** Ten of the writer's beats: a writer still alive after the kill would have written in this time. */
const quietWindowMs = 500;

after(async () => {
  if (!dockerSkip) await removeLeftoverContainers({ maxAgeMs: 0, labels: dockerLabels });
});

async function openSandbox(backend: SandboxBackend, space: "run" | "command") {
  const worktree = tempDirectory("containment");
  writeFileSync(path.join(worktree, "writer.py"), writerPayload);
  writeFileSync(path.join(worktree, "tracer.py"), tracerPayload);
  const sandbox = askingFor(await backend.create(contractOptions(worktree)), space);
  const close = async () => {
    await sandbox.dispose();
    rmSync(worktree, { recursive: true, force: true });
  };
  return { sandbox, worktree, close };
}

function beats(worktree: string): number {
  try {
    return statSync(path.join(worktree, "beat.txt")).size;
  } catch {
    return 0;
  }
}

/** The positive control: the writer wrote, and under `ptrace` its tracer seized it. */
function assertItRan(worktree: string, trick: HidingTrick): void {
  assert.ok(beats(worktree) > 0, "the hidden writer wrote at least once before the kill");
  if (trick === "ptrace") {
    const traced = readFileSync(path.join(worktree, "beat.txt.tid.traced"), "utf8");
    assert.equal(traced, "seized", "the tracer seized the writer's thread");
  }
}

/** Nothing of the writer runs now, and it writes nothing in the next ten beats. */
async function assertGone(worktree: string, marker: string): Promise<void> {
  const size = beats(worktree);
  assert.deepEqual(liveThreadsWith(marker), [], "no thread of the writer (or its tracer) is left");
  await sleep(quietWindowMs);
  assert.equal(beats(worktree), size, "the writer wrote nothing after the kill");
}

/** Wait (bounded) until the command running in the background has said it started its writer. */
async function untilStarted(worktree: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (existsSync(path.join(worktree, "started.txt"))) return;
    await sleep(50);
  }
  assert.fail("the hidden writer never started");
}

for (const { label, backend, space, skip } of backends) {
  if (skip) console.log(`# skipping process containment on ${label}: ${skip}`);
  // Each test has a sandbox, worktree and marker of its own: one backend's tests run at once.
  describe(`process containment: ${label}`, { concurrency: true }, () => {
    for (const trick of tricks) {
      test(`a writer hidden by ${trick} ends with its command`, { skip, timeout: 60_000 }, async () => {
        const { sandbox, worktree, close } = await openSandbox(backend, space);
        try {
          const marker = `containment-${randomInt(1e9)}`;
          const result = await sandbox.exec(shell(hidingScript(trick, marker, "exit 0")));
          assert.equal(result.stdout, "started\n", result.output);
          assertItRan(worktree, trick);
          await assertGone(worktree, marker);
          const next = await sandbox.exec(shell("echo next"));
          assert.equal(next.stdout, "next\n", "the sandbox still runs commands");
        } finally {
          await close();
        }
      });

      test(`killAll ends a running command and a writer hidden by ${trick}`, {
        skip,
        timeout: 60_000,
      }, async () => {
        const { sandbox, worktree, close } = await openSandbox(backend, space);
        try {
          const marker = `containment-${randomInt(1e9)}`;
          const running = sandbox.exec(shell(hidingScript(trick, marker, "sleep 60"), { timeoutMs: 60_000 }));
          await untilStarted(worktree);
          assertItRan(worktree, trick);
          await sandbox.killAll();
          await assertGone(worktree, marker);
          const ended = await running;
          assert.notEqual(ended.exitCode, 0, "the running command was ended, not finished");
          const next = await sandbox.exec(shell("echo next"));
          assert.equal(next.stdout, "next\n", "the sandbox still runs commands after killAll");
        } finally {
          await close();
        }
      });
    }
  });
}

/** `node containment-as-nobody.ts ARGS` as the nobody user; its answer, and a way to let it finish. */
async function asNobody(args: string[], marker: string) {
  const helper = fileURLToPath(new URL("./containment-as-nobody.ts", import.meta.url));
  const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups", "--"];
  const env = { ...process.env, CONTAINMENT_MARKER: marker };
  const child = spawn("setpriv", [...nobody, process.execPath, helper, ...args], { stdio: "pipe", env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => child.on("close", resolve));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const first = await lines.next();
  assert.ok(!first.done, `the helper said nothing: ${stderr}`);
  const answer = JSON.parse(first.value) as { stdout?: string; killed?: string; exitCode?: number | null };
  const finish = async () => {
    child.stdin.end("done\n");
    await exited;
    clearTimeout(timer);
  };
  return { answer, finish };
}

const unprivilegedSkip =
  process.getuid?.() !== 0
    ? "not root: cannot become another user to see a host without cgroups"
    : !existsSync("/usr/bin/setpriv")
      ? "setpriv (util-linux) is not installed"
      : bwrapSkip;
if (unprivilegedSkip) console.log(`# skipping process containment without cgroups: ${unprivilegedSkip}`);

// One test at a time: without cgroups the process cap is RLIMIT_NPROC, counted per user, and every
// test here runs as the same nobody.
describe("process containment: bwrap, shared space, no cgroups (accepted as weaker)", () => {
  for (const trick of tricks) {
    for (const phase of ["command-end", "killall"] as const) {
      test(`a writer hidden by ${trick} is gone after ${phase === "killall" ? "killAll" : "its command"}`, {
        skip: unprivilegedSkip,
        timeout: 90_000,
      }, async () => {
        const worktree = tempDirectory("containment-nobody");
        chmodSync(worktree, 0o777);
        writeFileSync(path.join(worktree, "writer.py"), writerPayload);
        writeFileSync(path.join(worktree, "tracer.py"), tracerPayload);
        const marker = `containment-${randomInt(1e9)}`;
        try {
          const { answer, finish } = await asNobody([worktree, trick, phase], marker);
          try {
            if (phase === "command-end") assert.equal(answer.stdout, "started\n");
            else {
              assert.equal(answer.killed, "", "killAll resolved");
              assert.notEqual(answer.exitCode, 0, "the running command was ended");
            }
            assertItRan(worktree, trick);
            await assertGone(worktree, marker);
          } finally {
            await finish();
          }
        } finally {
          rmSync(worktree, { recursive: true, force: true });
        }
      });
    }
  }
});
