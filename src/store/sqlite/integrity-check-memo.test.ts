// Writing opens check the store's integrity at most once an hour per file; a failed check is never
// remembered (writes stay refused), and an old memo or a replaced file is checked again.
import assert from "node:assert/strict";
import { copyFile, mkdtemp, open, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, test } from "node:test";
import { StoreDamagedError } from "../store-errors.ts";
import { makeTask } from "../store-fixtures.ts";
import { integrityCheckIntervalMs, recentlyChecked, rememberCleanCheck } from "./integrity-check-memo.ts";
import { type IntegrityCheckMode, openDatabase } from "./sqlite-open.ts";
import { openSqliteStore } from "./sqlite-store.ts";

let directory: string;
before(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "slipway-integrity-"));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Zero the root page of an index in place (same file, same size): quick_check fails, reads work. */
async function damage(file: string): Promise<void> {
  const db = new DatabaseSync(file);
  const page = Number(
    db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'tasks_task_key'").get()?.rootpage,
  );
  const pageSize = Number(db.prepare("PRAGMA page_size").get()?.page_size);
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  const handle = await open(file, "r+");
  await handle.write(Buffer.alloc(pageSize), 0, pageSize, (page - 1) * pageSize);
  await handle.close();
}

function damagedAt(file: string, mode: IntegrityCheckMode): string | undefined {
  const { db, damaged } = openDatabase(file, mode);
  db.close();
  return damaged;
}

test("interval: a clean check is trusted for an hour; a failed one is not remembered and refuses writes", async () => {
  const file = path.join(directory, "interval", "slipway.db");
  const store = await openSqliteStore(file, { integrityCheck: "interval" });
  await store.createTask(makeTask());
  await store.close();
  assert.ok(recentlyChecked(file), "the clean check at open is remembered");
  await damage(file);

  // Trusted: the damage goes unseen by an interval open (no page was read) …
  assert.equal(damagedAt(file, "interval"), undefined);
  // … and by a reading open, which never checks.
  assert.equal(damagedAt(file, "never"), undefined);
  // An hour-old memo is checked again, and the failure forgets the memo.
  rememberCleanCheck(file, Date.now() - integrityCheckIntervalMs - 1);
  assert.match(damagedAt(file, "interval") ?? "", /./);
  assert.equal(recentlyChecked(file), false);
  // So every later writing open checks again and refuses writes.
  const again = await openSqliteStore(file, { integrityCheck: "interval" });
  try {
    await assert.rejects(again.createTask(makeTask()), StoreDamagedError);
  } finally {
    await again.close();
  }
});

test("interval: a file replaced by another (new inode) is checked again", async () => {
  const file = path.join(directory, "replaced", "slipway.db");
  const store = await openSqliteStore(file, { integrityCheck: "interval" });
  await store.createTask(makeTask());
  await store.close();
  const copy = `${file}.copy`;
  await copyFile(file, copy);
  await damage(copy);
  await rename(copy, file);
  assert.equal(recentlyChecked(file), false);
  assert.match(damagedAt(file, "interval") ?? "", /./);
});
