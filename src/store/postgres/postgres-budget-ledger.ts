// The Postgres side of BudgetLedger: the budget_spend table of migration 3, one row per run and UTC day.
import type { Sql } from "postgres";
import {
  type BudgetLedger,
  checkDay,
  checkSpend,
  type RepositorySpend,
  type SpendRecord,
  utcDay,
} from "../budget-ledger.ts";
import { pgGuarded } from "./postgres-guard.ts";

export class PostgresBudgetLedger implements BudgetLedger {
  readonly #sql: Sql;
  readonly #location: string;

  constructor(sql: Sql, location: string) {
    this.#sql = sql;
    this.#location = location;
  }

  async recordSpend(record: SpendRecord): Promise<void> {
    checkSpend(record);
    const day = utcDay(record.at);
    // As on SQLite: the run's cost less its other days' charges, never lowered (repeat-safe).
    await pgGuarded(`record the spend of run ${record.runId}`, this.#location, async () => {
      await this.#sql`
        INSERT INTO budget_spend (run_id, day, repo, cost_usd)
        VALUES (${record.runId}, ${day}, ${record.repo}, greatest(0, ${record.runCostUsd}::float8 - coalesce(
          (SELECT sum(cost_usd) FROM budget_spend WHERE run_id = ${record.runId} AND day <> ${day}), 0)))
        ON CONFLICT (run_id, day) DO UPDATE SET cost_usd = greatest(budget_spend.cost_usd, excluded.cost_usd)`;
    });
  }

  async spendByRepository(day: string): Promise<RepositorySpend[]> {
    checkDay(day);
    const month = day.slice(0, 7);
    return pgGuarded(`read the budget ledger of ${day}`, this.#location, async () => {
      const rows = await this.#sql`
        SELECT repo, sum(CASE WHEN day = ${day} THEN cost_usd ELSE 0 END) AS day_usd, sum(cost_usd) AS month_usd
        FROM budget_spend WHERE day >= ${`${month}-01`} AND day <= ${`${month}-31`}
        GROUP BY repo HAVING sum(cost_usd) > 0 ORDER BY repo`;
      return rows.map((row) => ({
        repo: String(row.repo),
        dayUsd: Number(row.day_usd),
        monthUsd: Number(row.month_usd),
      }));
    });
  }
}
