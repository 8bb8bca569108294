// The run queue on SQLite: the queue contract, claimers racing from separate processes, and waiting
// for another process's write lock without freezing the event loop.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { describeBudgetLedgerContract } from "../budget-ledger.contract.ts";
import { describeQueueContract } from "../run-queue.contract.ts";
import { StoreBusyError } from "../store-errors.ts";
import { makeRun, makeTask } from "../store-fixtures.ts";
import { openSqliteStore } from "./sqlite-store.ts";

const run = promisify(execFile);

/** A fresh SQLite store in a temporary directory, with a second connection to the same file. */
async function openQueueStore() {
  const directory = await mkdtemp(path.join(tmpdir(), "slipway-queue-"));
  const file = path.join(directory, "slipway.db");
  const store = await openSqliteStore(file);
  return {
    store,
    another: () => openSqliteStore(file),
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}

describeQueueContract("sqlite", openQueueStore);
describeBudgetLedgerContract("sqlite", openQueueStore);

/** A child process holding `file`'s write lock (BEGIN IMMEDIATE) until its stdin closes or says so. */
async function holdWriteLock(file: string): Promise<{ release: () => Promise<void> }> {
  const script = `
    import { DatabaseSync } from "node:sqlite";
    const db = new DatabaseSync(process.argv[1]);
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    process.stdin.once("data", () => { db.exec("COMMIT"); db.close(); process.exit(0); });
    process.stdin.once("end", () => process.exit(0));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, file], {
    stdio: ["pipe", "pipe", "inherit"],
    timeout: 60_000,
  });
  const [line] = (await Promise.race([
    once(child.stdout, "data"),
    once(child, "exit").then(() => [Buffer.from("exited")]),
  ])) as Buffer[];
  assert.equal(String(line).trim(), "locked");
  const exited = once(child, "exit");
  return {
    release: async () => {
      child.stdin.end("go\n");
      await exited;
    },
  };
}

describe("sqlite queue across processes", () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "slipway-queue-procs-"));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test("claimers in separate processes racing for 150 runs lease each exactly once", async () => {
    const file = path.join(directory, "race.db");
    const store = await openSqliteStore(file);
    const task = makeTask();
    await store.createTask(task);
    const ids: string[] = [];
    for (let index = 0; index < 150; index++) {
      const queued = makeRun(task, index, { status: "queued" });
      await store.createRun(queued);
      await store.enqueueRun(queued.id);
      ids.push(queued.id);
    }
    await store.close();
    const moduleUrl = new URL("./sqlite-store.ts", import.meta.url).href;
    const script = `
      import { openSqliteStore } from ${JSON.stringify(moduleUrl)};
      const store = await openSqliteStore(process.argv[1]);
      // Start together (a shared instant, at most 2 s away) so the claims overlap.
      await new Promise((go) => setTimeout(go, Math.min(2000, Math.max(0, Number(process.argv[2]) - Date.now()))));
      const claimed = [];
      for (let i = 0; i < 200; i++) {
        const lease = await store.claimRun("worker-" + process.pid, 60000, { maxConcurrentRuns: 1000, maxRunsPerRepository: 1000 });
        if (!lease) break;
        claimed.push(lease.runId);
      }
      await store.close();
      process.stdout.write(JSON.stringify(claimed));`;
    const startAt = String(Date.now() + 1500);
    const claimer = () =>
      run(process.execPath, ["--no-warnings", "--input-type=module", "-e", script, file, startAt], {
        timeout: 120_000,
      });
    const outputs = await Promise.all([claimer(), claimer(), claimer(), claimer()]);
    const claimed = outputs.flatMap((output) => JSON.parse(output.stdout) as string[]);
    assert.equal(claimed.length, ids.length, "no run claimed twice, none left over");
    assert.deepEqual([...claimed].sort(), [...ids].sort());
  });

  test("a write waiting for another process's lock lets the event loop run, then goes through", async () => {
    const file = path.join(directory, "loop.db");
    const store = await openSqliteStore(file);
    const task = makeTask();
    await store.createTask(task);
    const holder = await holdWriteLock(file);
    let settled = false;
    const write = store.createTask(makeTask()).finally(() => {
      settled = true;
    });
    // With SQLite's own busy_timeout the call above would sleep inside the native call: the loop
    // could not get here before it gave up, and `settled` would already be true.
    let turns = 0;
    for (; turns < 5; turns++) await sleep(5);
    assert.equal(settled, false, "the write waits while the lock is held");
    await holder.release();
    await write;
    assert.equal(turns, 5);
    await store.close();
  });

  test("a write still locked out after the bound fails with StoreBusyError", async () => {
    const file = path.join(directory, "busy.db");
    const store = await openSqliteStore(file, { busyWaitMs: 150 });
    const holder = await holdWriteLock(file);
    try {
      await assert.rejects(store.createTask(makeTask()), (error: Error) => {
        assert.ok(error instanceof StoreBusyError);
        assert.equal((error as StoreBusyError).code, "store_failed");
        assert.match(error.message, /stayed locked by another Slipway process for 150 ms/);
        return true;
      });
    } finally {
      await holder.release();
      await store.close();
    }
  });
});
