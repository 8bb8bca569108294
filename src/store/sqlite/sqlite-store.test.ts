// Runs the Store contract against SQLite, plus what only SQLite has: migrations, the schema-version
// guard, corrupt rows, and event seqs under two processes writing one file.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { SlipwayError } from "../../core/errors.ts";
import { describeStoreContract } from "../store.contract.ts";
import { makeRun, makeTask } from "../store-fixtures.ts";
import { applyMigrations, type Migration, sqliteMigrations } from "./migrations.ts";
import { openSqliteStore } from "./sqlite-store.ts";

const run = promisify(execFile);

describeStoreContract("sqlite", async () => {
  const directory = await mkdtemp(path.join(tmpdir(), "slipway-store-"));
  // A nested path: opening must create the missing parent directories.
  const store = await openSqliteStore(path.join(directory, "data", "deeper", "slipway.db"));
  return { store, cleanup: () => rm(directory, { recursive: true, force: true }) };
});

function readLedger(file: string): { version: number; name: string; applied_at: string }[] {
  const db = new DatabaseSync(file);
  try {
    return db.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all() as {
      version: number;
      name: string;
      applied_at: string;
    }[];
  } finally {
    db.close();
  }
}

function execute(file: string, sql: string): void {
  const db = new DatabaseSync(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** A store file holding one task and one running run; returns the run's id. */
async function seedRun(file: string): Promise<string> {
  const store = await openSqliteStore(file);
  const task = makeTask();
  const run = makeRun(task, 1, { id: "run_seed000001" });
  await store.createTask(task);
  await store.createRun(run);
  await store.close();
  return run.id;
}

describe("sqlite store", () => {
  let directory: string;
  let counter = 0;
  const freshFile = () => path.join(directory, `store-${++counter}.db`);

  before(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "slipway-sqlite-"));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test("the shipped migrations are numbered 1, 2, 3 … in order", () => {
    assert.deepEqual(
      sqliteMigrations.map((migration) => migration.version),
      sqliteMigrations.map((_, index) => index + 1),
    );
  });

  test("opening applies every migration once and re-opening does not apply them again", async () => {
    const file = freshFile();
    const runId = await seedRun(file);
    const ledger = readLedger(file);
    assert.deepEqual(
      ledger.map((row) => row.version),
      sqliteMigrations.map((migration) => migration.version),
    );
    const reopened = await openSqliteStore(file);
    assert.equal((await reopened.getRun(runId))?.id, runId);
    await reopened.close();
    assert.deepEqual(readLedger(file), ledger);
  });

  test("applyMigrations applies only the migrations a database lacks", () => {
    const db = new DatabaseSync(":memory:");
    const first: Migration = { version: 1, name: "one", sql: "CREATE TABLE one (x INTEGER)" };
    const second: Migration = { version: 2, name: "two", sql: "CREATE TABLE two (x INTEGER)" };
    applyMigrations(db, "memory", [first]);
    // CREATE TABLE without IF NOT EXISTS fails if run twice: passing proves migration 1 was skipped.
    applyMigrations(db, "memory", [first, second]);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    assert.deepEqual(
      tables.map((row) => row.name),
      ["one", "schema_migrations", "two"],
    );
    db.close();
  });

  test("a failing migration is rolled back and not recorded", () => {
    const db = new DatabaseSync(":memory:");
    const good: Migration = { version: 1, name: "good", sql: "CREATE TABLE good (x INTEGER)" };
    const bad: Migration = {
      version: 2,
      name: "bad",
      sql: "CREATE TABLE half (x INTEGER); SELECT * FROM nowhere",
    };
    assert.throws(
      () => applyMigrations(db, "memory", [good, bad]),
      (error: unknown) => SlipwayError.isInstance(error) && /migration 2 \(bad\) failed/.test(error.message),
    );
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
    assert.deepEqual(
      db
        .prepare("SELECT version FROM schema_migrations")
        .all()
        .map((row) => row.version),
      [1],
    );
    db.close();
  });

  test("a database from a newer Slipway is refused with a message saying what to do", async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    execute(file, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')");
    await assert.rejects(openSqliteStore(file), (error: unknown) => {
      assert.ok(SlipwayError.isInstance(error));
      assert.equal(error.code, "store_failed");
      assert.match(error.message, /schema version 99/);
      assert.match(error.message, /upgrade Slipway/);
      return true;
    });
  });

  test("a file that is not a database is refused with a StoreError", async () => {
    const file = freshFile();
    await writeFile(
      file,
      "this is not a database, just some text that is long enough to have a header".repeat(20),
    );
    await assert.rejects(openSqliteStore(file), (error: unknown) => {
      assert.ok(SlipwayError.isInstance(error));
      assert.match(
        error.message,
        new RegExp(`could not open the database: .*${path.basename(file)} is damaged or not a Slipway store`),
      );
      return true;
    });
  });

  test("opens in WAL mode", async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    const db = new DatabaseSync(file);
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    db.close();
  });

  test("a run row with invalid JSON or an unknown stage reads as a clear StoreError", async () => {
    const file = freshFile();
    const runId = await seedRun(file);
    const store = await openSqliteStore(file);
    try {
      execute(file, `UPDATE runs SET limits = '{not json' WHERE id = '${runId}'`);
      await assert.rejects(
        store.getRun(runId),
        /run run_seed000001 in .* is unreadable \(limits holds invalid JSON\)/,
      );
      execute(file, `UPDATE runs SET limits = '{}', stage = 'flying' WHERE id = '${runId}'`);
      await assert.rejects(store.listRuns({ limit: 5 }), (error: unknown) => {
        assert.ok(SlipwayError.isInstance(error));
        assert.match(error.message, /run run_seed000001 in .* is unreadable \((stage|limits\.\w+): /);
        return true;
      });
    } finally {
      await store.close();
    }
  });

  test("two processes appending to one run get distinct, consecutive seqs", async () => {
    const file = freshFile();
    const runId = await seedRun(file);
    const perWriter = 150;
    const moduleUrl = new URL("./sqlite-store.ts", import.meta.url).href;
    const script = `
      import { openSqliteStore } from ${JSON.stringify(moduleUrl)};
      const [file, runId, count] = process.argv.slice(1);
      const store = await openSqliteStore(file);
      const seqs = [];
      for (let i = 0; i < Number(count); i++) {
        const event = await store.appendEvent({ runId, at: new Date().toISOString(), type: "tool-call", stage: "agent", data: { writer: process.pid, i } });
        seqs.push(event.seq);
      }
      await store.close();
      process.stdout.write(JSON.stringify(seqs));`;
    const writer = () =>
      run(
        process.execPath,
        ["--no-warnings", "--input-type=module", "-e", script, file, runId, String(perWriter)],
        {
          timeout: 120_000,
        },
      );
    const outputs = await Promise.all([writer(), writer()]);
    const seqs = outputs.flatMap((output) => JSON.parse(output.stdout) as number[]);
    const expected = Array.from({ length: 2 * perWriter }, (_, index) => index + 1);
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      expected,
    );
    const store = await openSqliteStore(file);
    const events = await store.listEvents(runId);
    await store.close();
    assert.deepEqual(
      events.map((event) => event.seq),
      expected,
    );
    // Each writer's own events keep their order within the shared sequence.
    for (const pid of new Set(events.map((event) => event.data.writer))) {
      const mine = events.filter((event) => event.data.writer === pid).map((event) => event.data.i);
      assert.deepEqual(
        mine,
        Array.from({ length: perWriter }, (_, index) => index),
      );
    }
  });
});
