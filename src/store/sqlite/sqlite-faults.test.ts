// Store faults on SQLite: a file that fails its integrity check is read but never written; one
// unreadable run row is skipped and reported by `slipway runs` and `slipway stats`, not fatal; a store
// from before the one-open-pull-request rule opens with its duplicate open records resolved.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { StoreDamagedError } from "../store-errors.ts";
import { makeRun, makeTask } from "../store-fixtures.ts";
import { applyMigrations, sqliteMigrations } from "./migrations.ts";
import { openSqliteStore } from "./sqlite-store.ts";

const run = promisify(execFile);
const slipway = new URL("../../../bin/slipway.js", import.meta.url).pathname;
let directory: string;

before(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "slipway-faults-"));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A data directory whose store holds three finished runs of one task; returns their ids. */
async function seed(dataDir: string): Promise<string[]> {
  const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
  const task = makeTask();
  await store.createTask(task);
  const ids: string[] = [];
  for (let minute = 1; minute <= 3; minute++) {
    const done = makeRun(task, minute, {
      status: "finished",
      outcome: "success",
      endedAt: new Date().toISOString(),
    });
    await store.createRun(done);
    ids.push(done.id);
  }
  await store.close();
  return ids;
}

test("a store failing its integrity check opens for reading; every write is refused with StoreDamagedError", async () => {
  const dataDir = path.join(directory, "damaged");
  const ids = await seed(dataDir);
  const file = path.join(dataDir, "slipway.db");
  // Zero the root page of an index no read below uses: the tables stay readable, the file is damaged.
  const db = new DatabaseSync(file);
  const page = Number(
    db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'tasks_task_key'").get()?.rootpage,
  );
  const pageSize = Number(db.prepare("PRAGMA page_size").get()?.page_size);
  db.close();
  const handle = await open(file, "r+");
  await handle.write(Buffer.alloc(pageSize), 0, pageSize, (page - 1) * pageSize);
  await handle.close();

  const store = await openSqliteStore(file);
  try {
    assert.equal((await store.getRun(ids[0]!))?.id, ids[0]);
    assert.equal((await store.listRuns({ limit: 10 })).length, 3);
    for (const write of [
      () => store.createTask(makeTask()),
      () => store.updateRun(ids[0]!, { turns: 3 }),
      () =>
        store.appendEvent({
          runId: ids[0]!,
          at: new Date().toISOString(),
          type: "note",
          stage: "agent",
          data: {},
        }),
      () => store.claimRun("worker", 1000, { maxConcurrentRuns: 1, maxRunsPerRepository: 1 }),
    ]) {
      await assert.rejects(write(), (error: Error) => {
        assert.ok(error instanceof StoreDamagedError);
        assert.match(error.message, /failed its integrity check \(.+\): Slipway only reads it now/);
        return true;
      });
    }
  } finally {
    await store.close();
  }
});

test("one unreadable run row is skipped and reported by `runs` and `stats`; the other runs still count", async () => {
  const dataDir = path.join(directory, "bad-row");
  const ids = await seed(dataDir);
  const db = new DatabaseSync(path.join(dataDir, "slipway.db"));
  db.prepare("UPDATE runs SET limits = '{not json', stage = 'warp' WHERE id = ?").run(ids[1]!);
  db.close();
  const options = { timeout: 60_000, env: { ...process.env, NO_COLOR: "1" } };
  const runs = await run(process.execPath, [slipway, "--data-dir", dataDir, "runs", "--json"], options);
  assert.deepEqual(
    (JSON.parse(runs.stdout) as { id: string }[]).map((listed) => listed.id),
    [ids[2], ids[0]],
  );
  assert.match(runs.stderr, new RegExp(`skipped run ${ids[1]}: .*unreadable`));
  const stats = await run(process.execPath, [slipway, "--data-dir", dataDir, "stats", "--json"], options);
  assert.equal((JSON.parse(stats.stdout) as { runs: number }).runs, 2);
  assert.match(stats.stderr, new RegExp(`skipped run ${ids[1]}: `));
});

test("a store from before the one-open-per-branch rule opens; only its newest open record of a branch stays open", async () => {
  const file = path.join(directory, "duplicates.db");
  const db = new DatabaseSync(file);
  applyMigrations(db, file, sqliteMigrations.slice(0, 4));
  const insert = db.prepare(
    `INSERT INTO pull_requests (forge, repository, number, url, head, base, head_sha, state, title, body, created_at, updated_at)
     VALUES ('local', '/r.git', ?, 'u', 'slipway/x', 'main', 'abc', 'open', 't', 'b', ?, ?)`,
  );
  insert.run(1, "2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000Z");
  insert.run(2, "2025-01-02T00:00:00.000Z", "2025-01-02T00:00:00.000Z");
  db.close();
  const store = await openSqliteStore(file);
  try {
    const states = (await store.listPullRequests({ limit: 10 })).map((record) => [
      record.number,
      record.state,
    ]);
    assert.deepEqual(states, [
      [2, "open"],
      [1, "closed"],
    ]);
  } finally {
    await store.close();
  }
});
