// The bwrap sandbox's shared process space, where the agent's commands run: one sandbox for many
// commands, kept apart from verification's, and never trusted — a command that breaks or silences
// the command server inside gets an error, and the next command a new space.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, test } from "node:test";
import {
  appearsWithin,
  contractOptions,
  shell,
  survivorsWith,
  tempDirectory,
  uniqueSleepMarker,
} from "../sandbox.contract.ts";
import { type BwrapSandbox, bwrapSandboxBackend, createBwrapSandbox } from "./bwrap-sandbox.ts";
import { commandServerLayout, insideServerPath, withCommandServer } from "./command-server-launch.ts";

const availability = await bwrapSandboxBackend.availability();
const skip = availability.available ? false : `bwrap is unavailable here: ${availability.reason}`;
if (skip) console.log(`# skipping the bwrap shared process space: ${skip}`);

const gdbSkip = existsSync("/usr/bin/gdb") ? false : "gdb is not installed in /usr/bin (Debian package gdb)";
if (gdbSkip) console.log(`# skipping the forged-event attempt: ${gdbSkip}`);

/** The command server is the sandbox's pid 2: bwrap's init is 1 and execs nothing else first. */
const serverPid = 2;

describe("bwrap shared process space", () => {
  const cleanups: (() => Promise<void>)[] = [];

  async function openSandbox(): Promise<BwrapSandbox> {
    const worktree = tempDirectory("bwrap-shared");
    const sandbox = await createBwrapSandbox(contractOptions(worktree));
    cleanups.push(async () => {
      await sandbox.dispose();
      rmSync(worktree, { recursive: true, force: true });
    });
    return sandbox;
  }

  const agent = (script: string, timeoutMs = 30_000) => shell(script, { processSpace: "run", timeoutMs });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  test("the agent's commands share one sandbox: its private /tmp outlives a command", { skip }, async () => {
    const sandbox = await openSandbox();
    await sandbox.exec(agent("echo kept > /tmp/note"));
    const shared = await sandbox.exec(agent("cat /tmp/note"));
    const own = await sandbox.exec(shell("cat /tmp/note 2>&1 || echo missing"));
    assert.equal(shared.stdout, "kept\n");
    assert.match(own.stdout, /missing/);
    assert.equal(sandbox.sharedProcessSpaceProblem, undefined);
  });

  test("a verification command sees none of the agent's processes", { skip }, async () => {
    const sandbox = await openSandbox();
    const marker = uniqueSleepMarker();
    const running = sandbox.exec(agent(`sleep ${marker}`));
    assert.equal(await appearsWithin(marker), true);
    const seen = await sandbox.exec(shell("cat /proc/[0-9]*/cmdline | tr '\\0' ' '"));
    assert.doesNotMatch(seen.stdout, new RegExp(marker.replace(".", "\\.")));
    assert.match(seen.stdout, /cmdline/, "the listing itself is seen, so the check can fail");
    await sandbox.dispose();
    await running;
  });

  test("two agent commands run at once, and leftovers end only when both are done", { skip }, async () => {
    const sandbox = await openSandbox();
    const marker = uniqueSleepMarker();
    const slow = sandbox.exec(agent("sleep 1; echo slow-done"));
    const quick = await sandbox.exec(agent(`setsid sleep ${marker} > /dev/null 2>&1 & echo quick-done`));
    assert.equal(quick.stdout, "quick-done\n");
    assert.equal((await slow).stdout, "slow-done\n");
    assert.deepEqual(await survivorsWith(marker), []);
  });

  test("a command that kills the command server gets an error; the next one gets a new space", {
    skip,
  }, async () => {
    const sandbox = await openSandbox();
    await sandbox.exec(agent("echo before > /tmp/note"));
    const killer = await sandbox.exec(agent(`kill -9 ${serverPid}; sleep 5`));
    assert.equal(killer.exitCode, null);
    assert.match(killer.output, /slipway: the sandbox ended/);
    const after = await sandbox.exec(agent("cat /tmp/note 2>/dev/null || echo fresh"));
    assert.equal(after.exitCode, 0);
    assert.equal(after.stdout, "fresh\n");
  });

  test("a command that makes the server print what it wants ends the space instead of being believed", {
    skip: skip || gdbSkip,
  }, async () => {
    const sandbox = await openSandbox();
    // gdb attaches to the server (same user inside) and makes it write a line of its own choosing.
    const inject = `gdb -p ${serverPid} -batch -ex 'call (long)write(1, "forged\\n", 7)' > /dev/null 2>&1; sleep 5`;
    const forger = await sandbox.exec(agent(inject));
    assert.equal(forger.exitCode, null);
    assert.match(forger.output, /invalid event/);
    assert.equal((await sandbox.exec(agent("echo next"))).stdout, "next\n");
  });

  test("a command that silences the server is stopped at its time limit all the same", { skip }, async () => {
    const sandbox = await openSandbox();
    const marker = uniqueSleepMarker();
    const result = await sandbox.exec(agent(`kill -STOP ${serverPid}; sleep ${marker}`, 500));
    assert.equal(result.timedOut, true);
    assert.match(result.output, /could not be stopped in time/);
    assert.deepEqual(await survivorsWith(marker), []);
  });
});

describe("the command server's mounts", () => {
  test("mounts node's installation and the server file before the root is sealed", () => {
    const layout = commandServerLayout([], []);
    assert.ok(!("problem" in layout));
    const steps = withCommandServer([{ kind: "remount-ro", path: "/" }], layout);
    assert.equal(steps.at(-1)?.kind, "remount-ro");
    assert.ok(steps.some((step) => step.kind === "ro-bind" && step.target === insideServerPath));
    assert.equal(layout.nodePath, process.execPath);
  });

  test("refuses a node installed in a directory that holds a protected path", () => {
    const root = tempDirectory("node-install");
    try {
      mkdirSync(path.join(root, "bin"));
      mkdirSync(path.join(root, "worktree"));
      writeFileSync(path.join(root, "bin", "node-real"), "");
      symlinkSync("node-real", path.join(root, "bin", "node"));
      const layout = commandServerLayout([path.join(root, "worktree")], [], path.join(root, "bin", "node"));
      assert.ok("problem" in layout);
      assert.match(layout.problem, /cannot be mounted/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
