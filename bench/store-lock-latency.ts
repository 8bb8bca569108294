// Benchmark: how long the event loop stalls while a store write waits for another process's write
// lock, with SQLite's own busy_timeout (the call sleeps inside SQLite) and with the store's async
// bounded wait (busy_timeout 0, retries between timers). A child process holds the lock for
// `holdMs`; a 1 ms timer measures the loop's worst gap between ticks while one
// write waits it out. Prints a markdown table. Run: node bench/store-lock-latency.ts [holdMs=1000]
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { makeTask } from "../src/store/store-fixtures.ts";

const holdMs = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(holdMs) || holdMs < 10 || holdMs > 4000)
  throw new Error("holdMs must be 10 … 4000 (under the 5 s wait)");

/** A child that takes the write lock, says so, and commits after `holdMs`. */
async function holdLock(file: string): Promise<{ exited: Promise<unknown> }> {
  const script = `
    import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
    const db = new DatabaseSync(process.argv[1]);
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, file, String(holdMs)], {
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 30_000,
  });
  const exited = once(child, "exit");
  await once(child.stdout, "data");
  // Wrapped: an async function returning the promise itself would wait for it.
  return { exited };
}

async function measure(
  write: () => Promise<unknown>,
  file: string,
): Promise<{ waitMs: number; stallMs: number }> {
  const { exited } = await holdLock(file);
  // The worst gap between ticks of a 1 ms timer, the tick after the write included: a loop blocked
  // inside SQLite shows as one long gap.
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await write();
  const waitMs = performance.now() - started;
  await sleep(5);
  clearInterval(ticker);
  await exited;
  return { waitMs, stallMs };
}

const directory = mkdtempSync(path.join(tmpdir(), "slipway-bench-lock-"));
try {
  const file = path.join(directory, "slipway.db");
  const store = await openSqliteStore(file);
  const task = makeTask();
  await store.createTask(task);
  // The old way: a connection with SQLite's busy_timeout, whose wait blocks the thread.
  const blocking = new DatabaseSync(file, { timeout: 5000 });
  const rows: string[] = [];
  // The floor: the same ticker while merely sleeping as long, so the machine's own jitter shows.
  const idle = await measure(() => sleep(holdMs), file);
  rows.push(
    `| no write, a sleep as long (the machine's jitter) | ${idle.waitMs.toFixed(0)} ms | ${idle.stallMs.toFixed(0)} ms |`,
  );
  const old = await measure(async () => blocking.exec("BEGIN IMMEDIATE; COMMIT"), file);
  rows.push(
    `| SQLite busy_timeout 5 s (before) | ${old.waitMs.toFixed(0)} ms | ${old.stallMs.toFixed(0)} ms |`,
  );
  const now = await measure(() => store.createTask(makeTask()), file);
  rows.push(`| async bounded wait (now) | ${now.waitMs.toFixed(0)} ms | ${now.stallMs.toFixed(0)} ms |`);
  blocking.close();
  await store.close();
  console.log(`lock held ${holdMs} ms by another process\n`);
  console.log("| how the write waits | write took | worst event-loop stall |\n|---|---|---|");
  console.log(rows.join("\n"));
} finally {
  rmSync(directory, { recursive: true, force: true });
}
