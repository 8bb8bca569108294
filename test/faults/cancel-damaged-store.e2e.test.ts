// Reading commands skip the integrity check, but `slipway cancel` writes: on a store that fails
// the check it is refused (exit 17) and nothing is written.
import assert from "node:assert/strict";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../../src/store/store-fixtures.ts";
import { runCli } from "../helpers/cli.ts";
import { tempDir } from "../helpers/git-fixture.ts";

const dataDir = tempDir("cancel-damaged");
after(() => rm(dataDir, { recursive: true, force: true }));

test("cancel on a store that fails its integrity check is refused and writes nothing", async () => {
  const file = path.join(dataDir, "slipway.db");
  const store = await openSqliteStore(file);
  const task = makeTask();
  await store.createTask(task);
  const queued = makeRun(task, 1, { status: "queued" });
  await store.createRun(queued);
  await store.enqueueRun(queued.id);
  await store.close();
  // Zero the root page of an index the reads do not use: the file fails quick_check, rows stay readable.
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

  // The clean check made at seeding is trusted for an hour: forget it, as an hour later.
  await rm(`${file}.checked`, { force: true });
  const env = { ...process.env, NO_COLOR: "1" } as Record<string, string>;
  const cancelled = await runCli(["--data-dir", dataDir, "cancel", queued.id], { env });
  assert.equal(cancelled.code, 17, cancelled.stdout + cancelled.stderr);
  assert.match(cancelled.stderr, /integrity check/);
  const listed = await runCli(["--data-dir", dataDir, "runs", "--json"], { env });
  assert.equal((JSON.parse(listed.stdout) as { status: string }[])[0]?.status, "queued");
});
