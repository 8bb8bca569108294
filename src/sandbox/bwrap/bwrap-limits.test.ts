// The bwrap backend's resource and lifetime walls: processes, memory, network, survivors, dispose.
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterEach, describe, test } from "node:test";
import {
  appearsWithin,
  askingFor,
  contractOptions,
  shell,
  survivorsWith,
  tempDirectory,
  uniqueSleepMarker,
} from "../sandbox.contract.ts";
import type { SandboxOptions } from "../sandbox.ts";
import { type BwrapSandbox, bwrapSandboxBackend, createBwrapSandbox } from "./bwrap-sandbox.ts";

const availability = await bwrapSandboxBackend.availability();
const skip = availability.available ? false : `bwrap is unavailable here: ${availability.reason}`;
if (skip) console.log(`# skipping the bwrap limits: ${skip}`);

// Both process spaces: the agent's commands share the run's (`run`), verification's get their own.
for (const processSpace of ["command", "run"] as const)
  describe(`bwrap sandbox walls: limits and lifetime, ${processSpace} process space`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    async function openSandbox(limits: Partial<SandboxOptions> = {}): Promise<BwrapSandbox> {
      const worktree = tempDirectory("bwrap-limits");
      const sandbox = askingFor(
        await createBwrapSandbox({ ...contractOptions(worktree), ...limits }),
        processSpace,
      );
      cleanups.push(async () => {
        await sandbox.dispose();
        rmSync(worktree, { recursive: true, force: true });
      });
      return sandbox;
    }

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    test("a fork bomb hits maxProcesses and fails, and none of its processes survive", { skip }, async () => {
      const sandbox = await openSandbox({ maxProcesses: 64 });
      const marker = uniqueSleepMarker();
      const result = await sandbox.exec(
        shell(`for i in $(seq 1000); do sleep ${marker} & done; echo all-started; wait`, {
          timeoutMs: 60_000,
        }),
      );
      assert.equal(result.timedOut, false);
      assert.notEqual(result.exitCode, 0);
      assert.doesNotMatch(result.output, /all-started/);
      assert.match(result.output, /fork/i);
      assert.deepEqual(await survivorsWith(marker), []);
    });

    test("a file, sparse or not, cannot grow past maxFileMb; one under it can", { skip }, async () => {
      const sandbox = await openSandbox({ maxFileMb: 8 });
      // Positive control: a sparse file just under the cap is made; one past it is refused (EFBIG).
      const result = await sandbox.exec(
        shell(
          "truncate -s 7M small && echo small-made; truncate -s 100G huge && echo huge-made; stat -c 'huge-size=%s' huge",
          {
            timeoutMs: 30_000,
          },
        ),
      );
      assert.match(result.output, /small-made/);
      assert.doesNotMatch(result.output, /huge-made/);
      assert.match(result.output, /File size limit exceeded|File too large/);
      assert.match(result.output, /huge-size=0\b/);
    });

    test("a node process allocating 2 GiB fails under memoryMb 1024", { skip }, async () => {
      // 1024, not less: V8 needs ~600 MiB of writable reservations just to start (see docs).
      const sandbox = await openSandbox({ memoryMb: 1024 });
      const script =
        "console.log('started'); const kept = []; for (let i = 0; i < 128; i++) kept.push(Buffer.alloc(16 * 1024 * 1024, 1)); console.log('allocated')";
      const result = await sandbox.exec({
        command: "node",
        args: ["-e", script],
        timeoutMs: 60_000,
        maxOutputBytes: 16_384,
      });
      assert.equal(result.timedOut, false);
      assert.notEqual(result.exitCode, 0);
      assert.match(result.stdout, /started/);
      assert.doesNotMatch(result.stdout, /allocated/);
      assert.match(result.stderr, /allocat|out of memory/i);
    });

    test("a node process cannot even start under memoryMb 256", { skip }, async () => {
      const sandbox = await openSandbox({ memoryMb: 256 });
      const result = await sandbox.exec({
        command: "node",
        args: ["-e", "console.log('ran')"],
        timeoutMs: 60_000,
        maxOutputBytes: 16_384,
      });
      assert.notEqual(result.exitCode, 0);
      assert.doesNotMatch(result.stdout, /ran/);
    });

    test("has no network: a TCP server on the host's 127.0.0.1 cannot be reached", { skip }, async () => {
      let connections = 0;
      const server: Server = createServer((socket) => {
        connections++;
        socket.end("hello\n");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const address = server.address();
      assert.ok(address && typeof address === "object");
      const sandbox = await openSandbox();
      const connect = `require('node:net').connect(${address.port}, '127.0.0.1').on('connect', () => { console.log('connected'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(3) })`;
      const result = await sandbox.exec({
        command: "node",
        args: ["-e", connect],
        timeoutMs: 30_000,
        maxOutputBytes: 4096,
      });
      assert.equal(result.exitCode, 3, result.output);
      assert.doesNotMatch(result.stdout, /connected/);
      assert.equal(connections, 0);
    });

    test("a background process, even in its own session, does not outlive the command", {
      skip,
    }, async () => {
      const sandbox = await openSandbox();
      const marker = uniqueSleepMarker();
      // The command waits until both sleeps are running, so their survival is really put to the test.
      const script = [
        `setsid sleep ${marker} > /dev/null 2>&1 & detached=$!`,
        `sleep ${marker} > /dev/null 2>&1 & plain=$!`,
        `for pid in $detached $plain; do until grep -aq ${marker} /proc/$pid/cmdline 2>/dev/null; do :; done; done`,
        "echo left-running",
      ].join("\n");
      const result = await sandbox.exec(shell(script));
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, "left-running\n");
      assert.deepEqual(await survivorsWith(marker), []);
    });

    test("dispose kills a running command and removes the scratch directory", { skip }, async () => {
      const sandbox = await openSandbox();
      const marker = uniqueSleepMarker();
      const pending = sandbox.exec(shell(`sleep ${marker}`, { timeoutMs: 120_000 }));
      assert.equal(await appearsWithin(marker), true);
      await sandbox.dispose();
      const result = await pending;
      assert.equal(result.timedOut, false);
      assert.notEqual(result.exitCode, 0);
      assert.deepEqual(await survivorsWith(marker), []);
      assert.equal(existsSync(sandbox.scratchDir), false);
      await assert.rejects(sandbox.exec(shell("true")), /disposed/);
    });

    test("two sandboxes with different worktrees run at the same time without seeing each other", {
      skip,
    }, async () => {
      const first = await openSandbox();
      const second = await openSandbox();
      const [a, b] = await Promise.all([
        first.exec(shell("echo first > mine.txt && sleep 0.3 && ls")),
        second.exec(shell("echo second > mine.txt && sleep 0.3 && ls && cat mine.txt")),
      ]);
      assert.equal(a.stdout, "mine.txt\n");
      assert.equal(b.stdout, "mine.txt\nsecond\n");
    });

    test("refuses an allowed host that is not a host name, naming it", { skip }, async () => {
      const worktree = tempDirectory("bwrap-limits");
      cleanups.push(async () => rmSync(worktree, { recursive: true, force: true }));
      await assert.rejects(
        createBwrapSandbox({ ...contractOptions(worktree), allowHosts: ["api.anthropic.com", "10.0.0.1"] }),
        /allowed host "10\.0\.0\.1" cannot be used: IP addresses cannot be allowed/,
      );
    });
  });
