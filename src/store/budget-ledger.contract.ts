// The contract suite of the budget ledger (budget-ledger.ts) and the claim's budget filter: charges
// per run and UTC day that never count a dollar twice, sums per repository, and survival across a
// reopen. Each store runs it from its own test file with the queue contract's fixture.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SlipwayError } from "../core/errors.ts";
import type { OpenQueueStore } from "./run-queue.contract.ts";
import type { Store } from "./store.ts";
import { makeRun, makeTask } from "./store-fixtures.ts";

const day1 = new Date("2026-03-30T23:00:00Z");
const day2 = new Date("2026-03-31T01:00:00Z");
const nextMonth = new Date("2026-04-01T08:00:00Z");

let minutes = 0;
async function storedRun(
  store: Store,
  repo: string,
  status: "running" | "queued" = "running",
): Promise<string> {
  const task = makeTask({ repo });
  await store.createTask(task);
  const run = makeRun(task, ++minutes, { status });
  await store.createRun(run);
  return run.id;
}

export function describeBudgetLedgerContract(name: string, open: OpenQueueStore): void {
  describe(`budget ledger contract: ${name}`, () => {
    let fixture: Awaited<ReturnType<OpenQueueStore>>;
    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(async () => {
      await fixture.store.close();
      await fixture.cleanup();
    });

    test("a run's cumulative cost is charged once to its day, however often it is saved", async () => {
      const { store } = fixture;
      const a = await storedRun(store, "/srv/a");
      const b = await storedRun(store, "/srv/b");
      await store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: 0.5 });
      await store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: 1.25 });
      await store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: 1.25 });
      // A restarted attempt's usage starts again from zero: it lowers no charge.
      await store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: 0.1 });
      await store.recordSpend({ runId: b, repo: "/srv/b", at: day1, runCostUsd: 2 });
      assert.deepEqual(await store.spendByRepository("2026-03-30"), [
        { repo: "/srv/a", dayUsd: 1.25, monthUsd: 1.25 },
        { repo: "/srv/b", dayUsd: 2, monthUsd: 2 },
      ]);
    });

    test("a run spending across midnight charges each UTC day its own part; a new month starts at zero", async () => {
      const { store } = fixture;
      const a = await storedRun(store, "/srv/a");
      await store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: 1 });
      await store.recordSpend({ runId: a, repo: "/srv/a", at: day2, runCostUsd: 3 });
      assert.deepEqual(await store.spendByRepository("2026-03-31"), [
        { repo: "/srv/a", dayUsd: 2, monthUsd: 3 },
      ]);
      assert.deepEqual(await store.spendByRepository("2026-03-30"), [
        { repo: "/srv/a", dayUsd: 1, monthUsd: 3 },
      ]);
      await store.recordSpend({ runId: a, repo: "/srv/a", at: nextMonth, runCostUsd: 3.5 });
      assert.deepEqual(await store.spendByRepository("2026-04-01"), [
        { repo: "/srv/a", dayUsd: 0.5, monthUsd: 0.5 },
      ]);
    });

    test("the ledger is read back by another connection (it survives a restart)", async () => {
      const a = await storedRun(fixture.store, "/srv/a");
      await fixture.store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: 0.75 });
      const other = await fixture.another();
      try {
        assert.deepEqual(await other.spendByRepository("2026-03-30"), [
          { repo: "/srv/a", dayUsd: 0.75, monthUsd: 0.75 },
        ]);
      } finally {
        await other.close();
      }
    });

    test("bad amounts and days are refused with input_invalid", async () => {
      const a = await storedRun(fixture.store, "/srv/a");
      const invalid = (error: unknown) => SlipwayError.isInstance(error) && error.code === "input_invalid";
      await assert.rejects(
        fixture.store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: Number.NaN }),
        invalid,
      );
      await assert.rejects(
        fixture.store.recordSpend({ runId: a, repo: "/srv/a", at: day1, runCostUsd: -1 }),
        invalid,
      );
      await assert.rejects(fixture.store.spendByRepository("2026-3-1"), invalid);
    });

    test("a claim skips queued runs of the repositories it is told to skip, and takes the others", async () => {
      const { store } = fixture;
      const held = await storedRun(store, "/srv/spent", "queued");
      await store.enqueueRun(held);
      const other = await storedRun(store, "/srv/fresh", "queued");
      await store.enqueueRun(other);
      const limits = { maxConcurrentRuns: 10, maxRunsPerRepository: 10, skipRepositories: ["/srv/spent"] };
      const lease = await store.claimRun("w1", 60_000, limits);
      assert.equal(lease?.runId, other);
      assert.equal(await store.claimRun("w1", 60_000, limits), undefined);
      assert.equal((await store.claimRun("w1", 60_000, { ...limits, skipRepositories: [] }))?.runId, held);
    });
  });
}
