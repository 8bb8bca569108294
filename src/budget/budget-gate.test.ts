// Budgets against a real SQLite store: what a worker's claim leaves out (overall and per-repository
// budgets, prefix matches, whenExhausted end), and what the gate at a run's start decides.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SlipwayConfig } from "../config/config-schema.ts";
import { utcDay } from "../store/budget-ledger.ts";
import { openSqliteStore } from "../store/sqlite/sqlite-store.ts";
import type { Store } from "../store/store.ts";
import { makeRun, makeTask } from "../store/store-fixtures.ts";
import { gateRun } from "./budget-gate.ts";
import { budgetClaimLimits } from "./claim-budget.ts";

// Real time: a run's saves are charged to the day they happen.
const now = new Date();
const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
const roomy = { maxConcurrentRuns: 4, maxRunsPerRepository: 2 };
let directory: string;
let store: Store;
let minutes = 0;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "slipway-budget-"));
  store = await openSqliteStore(path.join(directory, "slipway.db"));
});
afterEach(async () => {
  await store.close();
  await rm(directory, { recursive: true, force: true });
});

/** A stored running run of `repo` that spent `costUsd` today (its usage as the agent saved it). */
async function spentRun(repo: string, costUsd: number, maxCostUsd = 5): Promise<string> {
  const task = makeTask({ repo });
  await store.createTask(task);
  const run = makeRun(task, ++minutes, {
    usage: { inputTokens: 1, outputTokens: 1, costUsd },
    limits: { maxTurns: 9, maxMinutes: 9, maxTokens: 9999, maxCostUsd },
  });
  await store.createRun(run);
  if (costUsd > 0) await store.recordSpend({ runId: run.id, repo, at: now, runCostUsd: costUsd });
  return run.id;
}

const configOf = (budgets: unknown) => SlipwayConfig.parse({ budgets });

describe("budgetClaimLimits", () => {
  test("a spent overall budget holds every run; a spent prefix entry holds only its own repository", async () => {
    await spentRun("/srv/repos/a", 0.6);
    await spentRun("/srv/repos/b", 0.1);
    await spentRun("/elsewhere", 0.3);
    const perRepo = configOf({ repositories: [{ match: "/srv/repos/*", dailyUsd: 0.5 }] });
    assert.deepEqual(await budgetClaimLimits(store, perRepo, roomy, now), {
      ...roomy,
      skipRepositories: ["/srv/repos/a"],
    });
    const overall = configOf({ monthlyUsd: 1 });
    assert.equal((await budgetClaimLimits(store, overall, roomy, now)).maxConcurrentRuns, 0);
    // The next month starts with nothing spent.
    assert.deepEqual(await budgetClaimLimits(store, overall, roomy, nextMonth), roomy);
    // With `end`, the claim takes the run and its start ends it.
    assert.deepEqual(
      await budgetClaimLimits(store, configOf({ monthlyUsd: 1, whenExhausted: "end" }), roomy, now),
      roomy,
    );
  });
});

describe("gateRun", () => {
  test("a run starts with the least any budget has left as its cost limit, and its saves charge the ledger", async () => {
    await spentRun("/srv/a", 0.7);
    const runId = await spentRun("/srv/a", 0);
    const gated = await gateRun(runId, { store, config: configOf({ dailyUsd: 3, monthlyUsd: 1 }) }, now);
    assert.ok("store" in gated);
    const event = (await store.listEvents(runId)).find((entry) => entry.type === "budget-limit");
    assert.equal(event?.data.bound, "budgets.monthlyUsd");
    assert.equal((await gated.store.getRun(runId))?.limits.maxCostUsd, 1 - 0.7);
    const saved = await gated.store.updateRun(runId, {
      usage: { inputTokens: 5, outputTokens: 5, costUsd: 0.2 },
    });
    assert.equal(saved.limits.maxCostUsd, 1 - 0.7);
    assert.deepEqual(
      (await store.spendByRepository(utcDay(now)))[0]?.monthUsd.toFixed(2),
      "0.90",
      "the run's save was charged to the ledger",
    );
    // The judge's usage is saved with the review record in the run's state: it is charged too.
    const judgeUsage = { inputTokens: 1, outputTokens: 1, costUsd: 0.05 };
    await gated.store.updateRun(runId, { state: { review: { judgeUsage } } });
    assert.equal((await store.spendByRepository(utcDay(now)))[0]?.monthUsd.toFixed(2), "0.95");
  });

  test("a restarted run keeps what it already spent within its limit; a spent budget ends the next run", async () => {
    const restarted = await spentRun("/srv/a", 0.4);
    const gated = await gateRun(restarted, { store, config: configOf({ dailyUsd: 1 }) }, now);
    assert.ok("store" in gated);
    assert.equal((await gated.store.getRun(restarted))?.limits.maxCostUsd, 0.4 + 0.6);
    await spentRun("/srv/a", 0.6);
    const next = await spentRun("/srv/a", 0);
    const ended = await gateRun(next, { store, config: configOf({ dailyUsd: 1 }) }, now);
    assert.ok("ended" in ended);
    assert.equal(ended.ended.outcome, "budget_exhausted");
    assert.equal(ended.ended.status, "finished");
    assert.deepEqual(
      (await store.listEvents(next)).map((entry) => entry.type),
      ["run-end"],
    );
  });
});
