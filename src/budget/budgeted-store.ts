// The store a run executes through once its budgets let it start: every save of its usage (agent or
// judge) charges the ledger with the run's cumulative cost, and its cost limit reads as lowered to
// what its budgets had left, so the agent loop and the judge stop at it like at their own limit.
import type { Run } from "../core/run.ts";
import { runTotals } from "../report/run-totals.ts";
import type { Store } from "../store/store.ts";

export interface BudgetedRun {
  runId: string;
  /** The repository the run's spend is charged to. */
  repo: string;
  /** The run's cost limit as its budgets leave it; undefined when its own limit is the lower. */
  maxCostUsd?: number;
}

/** `store` for run `budgeted.runId`: its usage saves charge the ledger, its limits read as capped. */
export function budgetedStore(store: Store, budgeted: BudgetedRun): Store {
  const capped = (run: Run | undefined): Run | undefined =>
    run && run.id === budgeted.runId && budgeted.maxCostUsd !== undefined
      ? {
          ...run,
          limits: { ...run.limits, maxCostUsd: Math.min(run.limits.maxCostUsd, budgeted.maxCostUsd) },
        }
      : run;
  const updateRun: Store["updateRun"] = async (id, update, fence) => {
    const run = await store.updateRun(id, update, fence);
    // Usage is saved after every model call and judge usage with the review state: charge both.
    if (id === budgeted.runId && (update.usage !== undefined || update.state !== undefined)) {
      await store.recordSpend({
        runId: id,
        repo: budgeted.repo,
        at: new Date(),
        runCostUsd: runTotals(run).totalCostUsd,
      });
    }
    return capped(run)!;
  };
  const getRun: Store["getRun"] = async (idOrPrefix) => capped(await store.getRun(idOrPrefix));
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "updateRun") return updateRun;
      if (property === "getRun") return getRun;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
