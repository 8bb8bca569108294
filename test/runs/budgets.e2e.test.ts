// End to end: budgets across runs (issue 14), on SQLite and on Postgres. A repository's daily budget
// lowers the first run's cost limit to what it has left (it ends cost_limit); once spent, `worker
// --once` holds that repository's queued run back while another repository's run goes through
// (whenExhausted: wait); with whenExhausted: end the held run ends budget_exhausted with no model
// call, and so does `slipway run` in-process (exit 19). Every step is a new process: the ledger
// survives restarts, and `slipway budget` reads it back.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import { SlipwayConfig } from "../../src/config/config-schema.ts";
import type { ScriptTurn } from "../../src/models/scripted-server/script.ts";
import { openConfiguredStore } from "../../src/store/open-store.ts";
import { startTestPostgres } from "../../src/store/postgres/postgres-server-fixture.ts";
import { runCli } from "../helpers/cli.ts";
import { makeRepo } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

// Each turn costs 100 × $3/M + 10 × $15/M = $0.00045 at the helpers' test price.
const readTurn: ScriptTurn = {
  toolCalls: [{ name: "read_file", input: { path: "src/add.js" } }],
  usage: { inputTokens: 100, outputTokens: 10 },
};
const finishTurn: ScriptTurn = { toolCalls: [{ name: "finish", input: { summary: "nothing to change" } }] };

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function budgetsScenario(
  store: Record<string, unknown>,
  storeEnv: Record<string, string>,
): Promise<void> {
  const spent = makeRepo();
  const other = makeRepo();
  const budgets = { repositories: [{ match: spent, dailyUsd: 0.001 }] };
  const queue = { leaseSeconds: 20, pollSeconds: 0.1 };
  // Four turns: without the budget the first run would take them all and end no_change.
  const setup = await setUpScriptedRun({ turns: [readTurn, readTurn, readTurn, finishTurn] }, "anthropic", {
    budgets,
    queue,
    store,
  });
  const env = { ...setup.env, ...storeEnv };
  cleanups.push(async () => {
    await setup.server.close();
    for (const dir of [spent, other, setup.dataDir]) rmSync(dir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runCli([...baseArgs(setup), ...args], { env, timeoutMs: 90_000 });
  const config = SlipwayConfig.parse({ store });
  const open = () => openConfiguredStore({ config, dataDir: setup.dataDir, env });

  // 1. The budget ($0.001) is below the run's own limit ($5): the third call passes it.
  const first = await cli("run", "--repo", spent, "--task", "read add.js", "--json");
  const report = JSON.parse(first.stdout);
  assert.equal(report.outcome, "cost_limit", first.stderr);
  assert.equal(first.code, 10);
  assert.equal(setup.server.requests.length, 3);
  let opened = await open();
  try {
    const events = await opened.listEvents(report.runId);
    const limit = events.find((event) => event.type === "budget-limit");
    assert.deepEqual(
      [limit?.data.bound, limit?.data.maxCostUsd, limit?.data.runLimitUsd],
      ["budgets.repositories[0].dailyUsd", 0.001, 5],
    );
  } finally {
    await opened.close();
  }

  // 2. The ledger holds what the run cost, read back by another process.
  const status = JSON.parse((await cli("budget", "--json")).stdout);
  const line = status.limits.find((entry: { scope: string }) => entry.scope === spent);
  assert.equal(line.spentUsd, 0.00135);
  assert.equal(line.leftUsd, 0);
  // The ledger is the sum of the runs' costs (one run so far).
  assert.equal(status.spend.totalDayUsd, report.totals.totalCostUsd);

  // 3. whenExhausted: wait — the spent repository's run stays queued, the other one's goes through.
  const held = (await cli("run", "--detach", "--repo", spent, "--task", "read add.js again")).stdout.trim();
  const free = (await cli("run", "--detach", "--repo", other, "--task", "nothing to do")).stdout.trim();
  const worker = await cli("worker", "--once");
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal(setup.server.requests.length, 4, "only the other repository's run called the model");
  opened = await open();
  try {
    assert.equal((await opened.getRun(held))?.status, "queued");
    assert.deepEqual(
      [(await opened.getRun(free))?.status, (await opened.getRun(free))?.outcome],
      ["finished", "no_change"],
    );
  } finally {
    await opened.close();
  }

  // 4. whenExhausted: end — the held run is claimed and ends budget_exhausted before any model call.
  writeFileSync(
    setup.configFile,
    JSON.stringify({
      ...JSON.parse(readFileSync(setup.configFile, "utf8")),
      budgets: { ...budgets, whenExhausted: "end" },
    }),
  );
  assert.equal((await cli("worker", "--once")).code, 0);
  const inProcess = await cli("run", "--repo", spent, "--task", "read add.js once more", "--json");
  assert.equal(inProcess.code, 19, inProcess.stderr);
  assert.equal(JSON.parse(inProcess.stdout).outcome, "budget_exhausted");
  assert.equal(setup.server.requests.length, 4, "no model call for a run whose budget is spent");
  opened = await open();
  try {
    const ended = await opened.getRun(held);
    assert.equal(ended?.outcome, "budget_exhausted");
    assert.match(
      ended?.outcomeDetail ?? "",
      /budgets\.repositories\[0\]\.dailyUsd of \$0\.001 is spent today/,
    );
  } finally {
    await opened.close();
  }
}

// SQLite and Postgres at once: each scenario has its own data directory, store and model server.
describe("on SQLite and on Postgres", { concurrency: true }, () => {
  test("budgets on SQLite: a lowered cost limit, a held-back queue, budget_exhausted, the ledger across processes", async () => {
    await budgetsScenario({ backend: "sqlite" }, {});
  });

  test("budgets on Postgres: the same", async (t) => {
    const server = await startTestPostgres();
    if ("skip" in server) {
      console.log(`# skipped: ${server.skip}`);
      t.skip(server.skip);
      return;
    }
    cleanups.push(() => server.stop());
    await budgetsScenario(
      { backend: "postgres", urlEnv: "SLIPWAY_TEST_STORE_URL" },
      { SLIPWAY_TEST_STORE_URL: server.url },
    );
  });
});
