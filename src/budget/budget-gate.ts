// The budget check at the start of every attempt of a run (worker or `slipway run`): a run whose
// budget is spent ends as budget_exhausted before any model call; any other runs through a store
// that charges its spend to the ledger, with its cost limit lowered to what its budgets have left.
import type { SlipwayConfig } from "../config/config-schema.ts";
import { eventRow } from "../core/events/run-events.ts";
import type { Run } from "../core/run.ts";
import { runTotals } from "../report/run-totals.ts";
import { utcDay } from "../store/budget-ledger.ts";
import type { Store } from "../store/store.ts";
import { linesFor, spentDetail, tightest } from "./budget-limits.ts";
import { budgetedStore } from "./budgeted-store.ts";

export interface BudgetGateDependencies {
  store: Store;
  config: Pick<SlipwayConfig, "budgets">;
}

/** End `run` as budget_exhausted, with why, in its trace and its record. */
async function endExhausted(store: Store, run: Run, detail: string): Promise<Run> {
  const at = new Date().toISOString();
  // The event first: a run's writes carry its lease, and finishing the run ends the lease.
  await store.appendEvent(
    eventRow({
      runId: run.id,
      at,
      stage: run.stage,
      type: "run-end",
      data: { outcome: "budget_exhausted", detail },
    }),
  );
  return store.updateRun(run.id, {
    status: "finished",
    outcome: "budget_exhausted",
    outcomeDetail: detail,
    endedAt: at,
  });
}

/**
 * Decide whether run `runId` may start now. `{ ended }`: its budget was spent and it is finished;
 * `{ store }`: the store to execute it through. A run not in the store passes unchanged (the caller
 * reports it missing).
 */
export async function gateRun(
  runId: string,
  deps: BudgetGateDependencies,
  now: Date = new Date(),
): Promise<{ ended: Run } | { store: Store }> {
  const run = await deps.store.getRun(runId);
  const task = run ? await deps.store.getTask(run.taskId) : undefined;
  if (!run || !task) return { store: deps.store };
  const spend = await deps.store.spendByRepository(utcDay(now));
  const least = tightest(linesFor(deps.config.budgets, spend, task.repo));
  if (least && least.leftUsd <= 0) return { ended: await endExhausted(deps.store, run, spentDetail(least)) };
  // What the run spent in earlier attempts is in the ledger already and in its own total too.
  const allowed = least ? runTotals(run).totalCostUsd + least.leftUsd : Number.POSITIVE_INFINITY;
  if (!least || allowed >= run.limits.maxCostUsd)
    return { store: budgetedStore(deps.store, { runId, repo: task.repo }) };
  await deps.store.appendEvent(
    eventRow({
      runId,
      at: now.toISOString(),
      stage: run.stage,
      type: "budget-limit",
      data: {
        bound: least.key,
        period: least.period,
        scope: least.scope,
        limitUsd: least.limitUsd,
        spentUsd: least.spentUsd,
        runLimitUsd: run.limits.maxCostUsd,
        maxCostUsd: allowed,
      },
    }),
  );
  return { store: budgetedStore(deps.store, { runId, repo: task.repo, maxCostUsd: allowed }) };
}
