import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { slipwayBin } from "../../test/helpers/cli.ts";
import type { RunStats } from "../stats/run-stats.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { renderStats } from "./command-stats.ts";

const stats: RunStats = {
  runs: 2,
  finished: 2,
  outcomes: { success: 1, verify_failed: 1 },
  successRate: 0.5,
  judged: 1,
  vetoRate: 0,
  courseCorrectionRate: null,
  guardRefusalRate: 0,
  agentCostUsd: 0.5,
  judgeCostUsd: 0.01,
  inputTokens: 1000,
  outputTokens: 100,
  costPerSuccessUsd: 0.51,
};

test("rates say what they count, and a rate with nothing to count says so instead", () => {
  const text = renderStats(stats, { counted: 2, total: 2 });
  assert.match(text, /^runs\s+2 \(all; 2 finished\)$/m);
  assert.match(text, /^success rate\s+50\.0%$/m);
  assert.match(text, /^veto rate\s+0\.0% of 1 judged runs$/m);
  assert.match(text, /^course correction\s+— \(no vetoed runs yet\)$/m);
  assert.match(text, /^outcomes\s+success 1, verify_failed 1$/m);
  assert.match(renderStats(stats, { counted: 2, total: 9 }), /^runs\s+2 \(the last 2 of 9; 2 finished\)$/m);
});

test("no runs at all points at the demo", () => {
  assert.match(
    renderStats({ ...stats, runs: 0 }, { counted: 0, total: 0 }),
    /no runs yet: try `slipway demo`/,
  );
});

test("stats counts every run, past any page size or former cap, and --last counts the newest n", async () => {
  const home = mkdtempSync(path.join(tmpdir(), "slipway-stats-test-"));
  try {
    const dataDir = path.join(home, "data");
    const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
    const task = makeTask();
    await store.createTask(task);
    // 1,201 runs: more than two pages and more than the 1,000 stats used to stop at; one failed.
    for (let minute = 0; minute <= 1200; minute++) {
      const outcome = minute === 0 ? "verify_failed" : "success";
      const usage = { inputTokens: 10, outputTokens: 1, costUsd: 0.01 };
      await store.createRun(makeRun(task, minute, { status: "finished", stage: "done", outcome, usage }));
    }
    await store.close();
    const stats = (...args: string[]) => {
      const result = spawnSync(process.execPath, [slipwayBin, "--data-dir", dataDir, "stats", ...args], {
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: process.env.PATH, HOME: home },
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    };
    const all = JSON.parse(stats("--json"));
    assert.equal(all.runs, 1201);
    assert.equal(all.totalRuns, 1201);
    assert.deepEqual(all.outcomes, { success: 1200, verify_failed: 1 });
    assert.equal(all.inputTokens, 12_010);
    const newest = JSON.parse(stats("--json", "--last", "700"));
    assert.equal(newest.runs, 700);
    assert.deepEqual(newest.outcomes, { success: 700 });
    assert.match(stats(), /^runs\s+1201 \(all; 1201 finished\)$/m);
    assert.match(stats("--last", "3"), /^runs\s+3 \(the last 3 of 1201; 3 finished\)$/m);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
