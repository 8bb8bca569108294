// Breach 12, leftovers after a crash: a container whose owner was killed (kill -9 of `slipway run`
// or `sandbox exec`) is removed by recovery and by the next sandbox's start, with the agent's code
// in it; and a worktree deeper than PATH_MAX is given back whole when the sandbox is disposed.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { recoverInterruptedRuns } from "../../src/pipeline/recover-runs.ts";
import { connectEngine, engineStatus } from "../../src/sandbox/docker/docker-engine.ts";
import {
  appearsWithin,
  processesWithArgument,
  shell,
  survivorsWith,
  tempDirectory,
  uniqueSleepMarker,
} from "../../src/sandbox/sandbox.contract.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { cleanUpAfter, dockerSkip, openDockerSandbox, testLabels } from "./docker-test-sandbox.ts";

const run = promisify(execFile);
const skip = await dockerSkip("the docker leftover attacks");
const worktrees: string[] = [];
cleanUpAfter(skip, worktrees);
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill("SIGKILL");
});

/**
 * A sandbox container whose owner process got `signal` while the agent's sleep ran: SIGKILL (a
 * `kill -9`) or SIGSTOP (a hung owner: alive, so no sweep takes its container, but silent).
 */
async function orphanedContainer(
  marker: string,
  signal: "SIGKILL" | "SIGSTOP" = "SIGKILL",
  heartbeatMs?: number,
): Promise<string> {
  const worktree = tempDirectory("docker-orphan");
  worktrees.push(worktree);
  const script = path.join(import.meta.dirname, "docker-orphan-owner.ts");
  const owner = spawn(process.execPath, [script, worktree, testLabels["slipway.test"]], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      SLIPWAY_TEST_MARKER: marker,
      ...(heartbeatMs ? { SLIPWAY_TEST_HEARTBEAT_MS: String(heartbeatMs) } : {}),
    },
  });
  children.push(owner);
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the owner printed no container id in 60 s")), 60_000);
    owner.stdout?.once("data", (chunk: Buffer) => {
      clearTimeout(timer);
      resolve(chunk.toString().trim());
    });
    owner.once("exit", (code) => reject(new Error(`the owner exited with ${code} before printing`)));
  });
  assert.ok(await appearsWithin(marker), "the agent's command never ran in the container");
  owner.kill(signal);
  if (signal === "SIGKILL") await new Promise((resolve) => owner.once("exit", resolve));
  // Looked at at once: any sandbox started on this host from now on (another test's) sweeps it too.
  assert.ok(processesWithArgument(marker).length > 0, "the agent's code stopped with its owner");
  const inspected = await connectEngine().getContainer(id).inspect();
  assert.equal(inspected.State.Running, true, "the container stopped with its owner: nothing to recover");
  return id;
}

async function assertRemoved(id: string, marker: string): Promise<void> {
  await assert.rejects(connectEngine().getContainer(id).inspect(), (error) => engineStatus(error) === 404);
  assert.deepEqual(await survivorsWith(marker), [], "the agent's code still runs");
}

describe("docker leftovers after a crash", () => {
  test("recovery at the next start removes the container of a killed owner, and the agent's code with it", {
    skip,
  }, async () => {
    const marker = uniqueSleepMarker();
    const id = await orphanedContainer(marker);
    const dataDir = mkdtempSync(path.join(tmpdir(), "slipway-recovery-"));
    try {
      const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
      await recoverInterruptedRuns(store);
      await assertRemoved(id, marker);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("the next sandbox's start removes the container of a killed owner", { skip }, async () => {
    const marker = uniqueSleepMarker();
    const id = await orphanedContainer(marker);
    const next = await openDockerSandbox(worktrees);
    await assertRemoved(id, marker);
    await next.dispose();
  });

  test("a hung owner's container stops itself once the heartbeat stops", { skip }, async () => {
    const marker = uniqueSleepMarker();
    // Beats every 500 ms; four missed beats (about 2.5 s) stop the container. The stopped owner
    // still exists, so no sweep removes its container: only the heartbeat can end it.
    const id = await orphanedContainer(marker, "SIGSTOP", 500);
    assert.deepEqual(await survivorsWith(marker, 20_000), [], "the agent's code still runs");
    // Its processes are gone; the engine may take a moment more to see the container's init exit.
    let state = "running";
    for (let attempt = 0; attempt < 100 && state === "running"; attempt++) {
      state = await connectEngine()
        .getContainer(id)
        .inspect()
        .then((inspected) => (inspected.State.Running ? "running" : "stopped"))
        .catch((error: unknown) => (engineStatus(error) === 404 ? "removed" : String(error)));
      if (state === "running") await sleep(200);
    }
    assert.notEqual(state, "running", "the container still runs 20 s after its agent's code ended");
  });

  test("a worktree deeper than PATH_MAX is given back whole when the sandbox is disposed", {
    skip: skip || (process.getuid?.() === 0 ? false : "handing a worktree over needs root"),
  }, async () => {
    const sandbox = await openDockerSandbox(worktrees);
    // 25 levels of 200-byte names: 5,000 bytes, past PATH_MAX (4,096) from the worktree alone.
    // Relative steps (chdir into each new level): a shell's cd would build the too-long full path.
    const program = [
      'const fs = require("node:fs"); const name = "d".repeat(200);',
      "for (let level = 0; level < 25; level++) { fs.mkdirSync(name); process.chdir(name); }",
      'fs.writeFileSync("file", "deep\\n"); console.log("made");',
    ].join("\n");
    const made = await sandbox.exec({ ...shell(""), command: "node", args: ["-e", program] });
    assert.equal(made.stdout, "made\n", `the deep tree was not made: ${made.output}`);
    await sandbox.dispose();
    const { stdout } = await run("find", [sandbox.worktree, "!", "-uid", "0", "-print", "-quit"], {
      timeout: 60_000,
    });
    assert.equal(stdout, "", "part of the worktree still belongs to the sandbox's uid");
    const { stdout: files } = await run("find", [sandbox.worktree, "-name", "file"], { timeout: 60_000 });
    assert.equal(files.trim().split("\n").length, 1, "the deep file is not where it was made");
    await run("rm", ["-rf", sandbox.worktree], { timeout: 60_000 });
  });
});
