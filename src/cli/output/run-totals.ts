// A run's totals live below cli/ (src/report/run-totals.ts), where the PR body uses them too; the
// CLI's modules keep importing them from here.
export { type RunTotals, runTotals } from "../../report/run-totals.ts";
