import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { slipwayBin } from "../../../test/helpers/cli.ts";
import { emptyReviewRecord } from "../../judge/review/review-record.ts";
import { openSqliteStore } from "../../store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../../store/store-fixtures.ts";
import { buildRunReport, renderRunReport } from "../run-report.ts";

test("runs, show, stats and the run report print the same total (agent + judge) for one run, JSON in micro-dollars", async () => {
  const home = mkdtempSync(path.join(tmpdir(), "slipway-totals-test-"));
  try {
    const dataDir = path.join(home, "data");
    const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
    const task = makeTask();
    await store.createTask(task);
    // 0.1 + 0.2 is 0.30000000000000004 in floating point: the sum must print as $0.30 and 0.3.
    const review = { ...emptyReviewRecord, judgeUsage: { inputTokens: 500, outputTokens: 50, costUsd: 0.2 } };
    const usage = { inputTokens: 1000, outputTokens: 100, costUsd: 0.1 };
    const run = makeRun(task, 0, {
      status: "finished",
      stage: "done",
      outcome: "success",
      usage,
      state: { review },
    });
    run.endedAt = new Date(Date.parse(run.startedAt) + 1_500).toISOString();
    await store.createRun(run);
    await store.close();
    const cli = (...args: string[]) => {
      const result = spawnSync(process.execPath, [slipwayBin, "--data-dir", dataDir, ...args], {
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: process.env.PATH, HOME: home },
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout;
    };
    const costLine = /^cost\s+\$0\.30 \(agent \$0\.10 on [^,]+, judge \$0\.20\)$/m;
    assert.match(renderRunReport(buildRunReport(run, task)), costLine);
    assert.match(cli("show", run.id), costLine);
    assert.match(cli("show", run.id), /^tokens\s+1,500 in \/ 150 out/m);
    assert.match(cli("runs"), new RegExp(`^${run.id}\\s.*\\s1,650\\s+\\$0\\.30\\s+1\\.5 s\\s`, "m"));
    assert.match(cli("stats"), /^cost\s+\$0\.30 \(agent \$0\.10, judge \$0\.20\)$/m);
    assert.equal(JSON.parse(cli("runs", "--json"))[0].totals.totalCostUsd, 0.3);
    assert.equal(JSON.parse(cli("show", run.id, "--json")).run.totals.totalCostUsd, 0.3);
    assert.equal(JSON.parse(cli("stats", "--json")).costPerSuccessUsd, 0.3);
    for (const args of [
      ["runs", "--json"],
      ["show", run.id, "--json"],
      ["stats", "--json"],
    ]) {
      assert.doesNotMatch(cli(...args), /\d\.\d*0000000\d/, `${args.join(" ")} prints an unrounded sum`);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
