// Tests for withFileLock: one holder at a time, locks whose lease ended taken over (never judged by
// pid or host), leases renewed while the holder works, bounded waits.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDir } from "../../test/helpers/git-fixture.ts";
import { parseLockHolder, withFileLock } from "./mirror-lock.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function lockFile(): string {
  const dir = tempDir("lock");
  created.push(dir);
  return path.join(dir, "mirror.lock");
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid!;
}

describe("withFileLock", () => {
  test("runs the work, returns its value and removes the lock file, also when the work throws", async () => {
    const lockPath = lockFile();
    assert.equal(
      await withFileLock(lockPath, async () => (existsSync(lockPath) ? "held" : "not held")),
      "held",
    );
    assert.equal(existsSync(lockPath), false);
    await assert.rejects(
      withFileLock(lockPath, async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(existsSync(lockPath), false);
  });

  test("two holders never overlap", async () => {
    const lockPath = lockFile();
    let inside = 0;
    let maxInside = 0;
    const work = async (): Promise<void> => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inside -= 1;
    };
    await Promise.all([1, 2, 3].map(() => withFileLock(lockPath, work, { pollMs: 10 })));
    assert.equal(maxInside, 1);
  });

  test("a lock whose pid is not alive here but whose lease is live is waited for (another PID namespace)", async () => {
    const lockPath = lockFile();
    writeFileSync(lockPath, `${deadPid()} ${hostname()} ${Date.now() + 60_000} 0123abcd\n`);
    await assert.rejects(
      withFileLock(lockPath, async () => "ran", { timeoutMs: 100, pollMs: 20 }),
      /is held by process \d+ on .*delete the lock file/,
    );
    assert.equal(existsSync(lockPath), true, "a live lease's lock is never removed");
  });

  test("a lock without a lease (an older Slipway) is honoured while its file is young, taken over after", async () => {
    const lockPath = lockFile();
    writeFileSync(lockPath, `${deadPid()} ${hostname()}\n`);
    await assert.rejects(
      withFileLock(lockPath, async () => "ran", { timeoutMs: 100, pollMs: 20 }),
      /delete the lock file/,
    );
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000);
    utimesSync(lockPath, elevenMinutesAgo, elevenMinutesAgo);
    assert.equal(await withFileLock(lockPath, async () => "ran", { timeoutMs: 5_000, pollMs: 20 }), "ran");
    assert.equal(existsSync(lockPath), false);
  });
});

describe("withFileLock leases", () => {
  test("a lock from another host whose lease has ended is taken over", async () => {
    const lockPath = lockFile();
    writeFileSync(lockPath, `${process.pid} some-other-host ${Date.now() - 1000} 0123abcd\n`);
    assert.equal(await withFileLock(lockPath, async () => "ran", { timeoutMs: 5_000, pollMs: 20 }), "ran");
    assert.equal(existsSync(lockPath), false);
  });

  test("a lock from another host with a live lease is waited for", async () => {
    const lockPath = lockFile();
    writeFileSync(lockPath, `${deadPid()} some-other-host ${Date.now() + 60_000} 0123abcd\n`);
    await assert.rejects(
      withFileLock(lockPath, async () => "ran", { timeoutMs: 100, pollMs: 20 }),
      /some-other-host/,
    );
  });

  test("the holder renews its lease while it works, so a waiter never takes over a long holding", async () => {
    const lockPath = lockFile();
    const leaseMs = 600;
    let overlapped = false;
    let holding = true;
    const holder = withFileLock(
      lockPath,
      async () => {
        const first = parseLockHolder(readFileSync(lockPath, "utf8"))?.expiresAt;
        // Work longer than several leases: the waiter below gives up first only if renewals happen.
        const waiter = withFileLock(
          lockPath,
          async () => {
            overlapped = holding;
          },
          { timeoutMs: 3 * leaseMs, pollMs: 20 },
        );
        await assert.rejects(waiter, /is held by process/);
        const later = parseLockHolder(readFileSync(lockPath, "utf8"))?.expiresAt;
        assert.ok(first !== undefined && later !== undefined && later > first, "the lease end moved on");
        holding = false;
      },
      { leaseMs },
    );
    await holder;
    assert.equal(overlapped, false);
    assert.equal(existsSync(lockPath), false);
  });
});

describe("parseLockHolder", () => {
  test("reads pid, host and the lease, and refuses an empty or garbled file", () => {
    assert.deepEqual(parseLockHolder("123 box 1700000000000 ab12\n"), {
      pid: 123,
      host: "box",
      expiresAt: 1700000000000,
      token: "ab12",
    });
    assert.deepEqual(parseLockHolder("123 box\n"), { pid: 123, host: "box" });
    assert.equal(parseLockHolder(""), undefined);
    assert.equal(parseLockHolder("abc"), undefined);
  });
});
