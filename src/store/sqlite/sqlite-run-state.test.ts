// A run's state at the store boundary: SQLite hands it back typed (run-state.ts's schema), a damaged
// key left out and the rest kept; a state that is not an object makes the row unreadable.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, test } from "node:test";
import { withRunState } from "../../core/run-state.ts";
import { makeRun, makeTask } from "../store-fixtures.ts";
import type { UnreadableRow } from "../unreadable-rows.ts";
import { openSqliteStore } from "./sqlite-store.ts";

let directory: string;
before(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "slipway-run-state-"));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A store file with one run, whose stored state JSON is then set to `stateJson` behind the store's back. */
async function runWithStoredState(name: string, stateJson: string): Promise<{ file: string; runId: string }> {
  const file = path.join(directory, `${name}.db`);
  const store = await openSqliteStore(file);
  const task = makeTask();
  await store.createTask(task);
  const run = makeRun(task, 1, { state: { summary: "first" } });
  await store.createRun(run);
  await store.close();
  const db = new DatabaseSync(file);
  db.prepare("UPDATE runs SET state = ? WHERE id = ?").run(stateJson, run.id);
  db.close();
  return { file, runId: run.id };
}

test("a run's state reads back typed: a damaged key left out, a newer version's key kept through an update", async () => {
  const stored = { summary: "kept", mirrorPath: 42, volume: { mountPoint: "/v" }, fromElsewhere: true };
  const { file, runId } = await runWithStoredState("damaged-key", JSON.stringify(stored));
  const store = await openSqliteStore(file);
  try {
    const run = await store.getRun(runId);
    assert.deepEqual(run?.state, { summary: "kept", fromElsewhere: true });
    // The next stage's update writes the state back: the damaged keys do not come back, and the key
    // only a newer worker knows survives an older worker's update.
    await store.updateRun(runId, { state: withRunState(run!.state, { frozenTree: "abc" }) });
    assert.deepEqual((await store.getRun(runId))?.state, {
      summary: "kept",
      fromElsewhere: true,
      frozenTree: "abc",
    });
  } finally {
    await store.close();
  }
});

test("a run whose state is not an object is an unreadable row, reported and skipped in a listing", async () => {
  const { file, runId } = await runWithStoredState("not-object", "[1, 2]");
  const store = await openSqliteStore(file);
  try {
    const unreadable: UnreadableRow[] = [];
    const runs = await store.listRuns({ limit: 10, onUnreadable: (row) => unreadable.push(row) });
    assert.deepEqual(runs, []);
    assert.equal(unreadable.length, 1);
    assert.equal(unreadable[0]?.id, runId);
    assert.match(unreadable[0]?.message ?? "", /state/);
  } finally {
    await store.close();
  }
});
