// The SQLite side of BudgetLedger: the budget_spend table of migration 6, one row per run and UTC day.
import type { DatabaseSync } from "node:sqlite";
import {
  type BudgetLedger,
  checkDay,
  checkSpend,
  type RepositorySpend,
  type SpendRecord,
  utcDay,
} from "../budget-ledger.ts";
import { guarded } from "./sqlite-guard.ts";
import { inImmediateTransaction } from "./transaction.ts";

// The day's charge is the run's cost less what its other days hold, never lowered: one statement,
// so a save repeated (or a restarted attempt saving a smaller cost) charges nothing new.
const recordSql = `
  INSERT INTO budget_spend (run_id, day, repo, cost_usd)
  VALUES ($runId, $day, $repo, max(0, $cost - coalesce(
    (SELECT sum(cost_usd) FROM budget_spend WHERE run_id = $runId AND day <> $day), 0)))
  ON CONFLICT (run_id, day) DO UPDATE SET cost_usd = max(budget_spend.cost_usd, excluded.cost_usd)`;

const spendSql = `
  SELECT repo, sum(CASE WHEN day = $day THEN cost_usd ELSE 0 END) AS day_usd, sum(cost_usd) AS month_usd
  FROM budget_spend WHERE day >= $monthStart AND day <= $monthEnd
  GROUP BY repo HAVING sum(cost_usd) > 0 ORDER BY repo`;

export class SqliteBudgetLedger implements BudgetLedger {
  readonly #db: DatabaseSync;
  readonly #location: string;
  readonly #busyWaitMs: number;

  constructor(db: DatabaseSync, location: string, busyWaitMs: number) {
    this.#db = db;
    this.#location = location;
    this.#busyWaitMs = busyWaitMs;
  }

  async recordSpend(record: SpendRecord): Promise<void> {
    checkSpend(record);
    const params = {
      runId: record.runId,
      day: utcDay(record.at),
      repo: record.repo,
      cost: record.runCostUsd,
    };
    await guarded(
      `record the spend of run ${record.runId}`,
      this.#location,
      () => inImmediateTransaction(this.#db, () => this.#db.prepare(recordSql).run(params)),
      this.#busyWaitMs,
    );
  }

  async spendByRepository(day: string): Promise<RepositorySpend[]> {
    checkDay(day);
    const month = day.slice(0, 7);
    return guarded(
      `read the budget ledger of ${day}`,
      this.#location,
      () =>
        this.#db
          .prepare(spendSql)
          .all({ day, monthStart: `${month}-01`, monthEnd: `${month}-31` })
          .map((row) => ({
            repo: String(row.repo),
            dayUsd: Number(row.day_usd),
            monthUsd: Number(row.month_usd),
          })),
      this.#busyWaitMs,
    );
  }
}
