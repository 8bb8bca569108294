// The store's budget ledger (issue 14): what each run spent per UTC day, charged to its repository,
// so budgets across runs can be checked by any worker on any host. Every store implements it.
import { StoreError } from "../core/errors.ts";

/** One charge: the run's whole cost so far (agent and judge), as its latest save recorded it. */
export interface SpendRecord {
  runId: string;
  /** The run's repository as its task names it (the key per-repository budgets use). */
  repo: string;
  /** When the spend was saved; its UTC day is the day charged. */
  at: Date;
  /** The run's cumulative cost in dollars (not the increment): recording it again adds nothing. */
  runCostUsd: number;
}

/** What one repository spent on a UTC day and in that day's month. */
export interface RepositorySpend {
  repo: string;
  dayUsd: number;
  monthUsd: number;
}

export interface BudgetLedger {
  /**
   * Charge a run's cumulative cost: the part not yet charged on the run's other days goes to the UTC
   * day of `at`. Idempotent and never lowers a charge, so a restarted attempt (whose usage starts
   * again) and a repeated save count no dollar twice.
   */
  recordSpend(record: SpendRecord): Promise<void>;
  /** Spend per repository on UTC day `day` (YYYY-MM-DD) and in its month; repositories that spent nothing are left out. */
  spendByRepository(day: string): Promise<RepositorySpend[]>;
}

/** The UTC day of `at`, as the ledger keys it. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function checkSpend(record: SpendRecord): void {
  if (!Number.isFinite(record.runCostUsd) || record.runCostUsd < 0 || Number.isNaN(record.at.getTime())) {
    throw new StoreError(`a run's spend must be a finite dollar amount ≥ 0 at a valid time`, {
      code: "input_invalid",
      details: { runId: record.runId, runCostUsd: record.runCostUsd },
    });
  }
}

export function checkDay(day: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
    throw new StoreError(`a ledger day must be YYYY-MM-DD, got ${day}`, { code: "input_invalid" });
}
