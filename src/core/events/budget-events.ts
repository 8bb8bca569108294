// Events of budgets across runs (issue 14): which budget lowered a run's cost limit when it started.
import { z } from "zod";

export const budgetEvents = [
  /** Recorded before run-start when a budget leaves less than the run's own limits.maxCostUsd. */
  z.object({
    type: z.literal("budget-limit"),
    data: z.object({
      /** The config key of the budget with the least left, e.g. budgets.repositories[0].dailyUsd. */
      bound: z.string(),
      period: z.enum(["day", "month"]),
      /** The repository it is charged to, or `overall`. */
      scope: z.string(),
      limitUsd: z.number(),
      spentUsd: z.number(),
      /** The run's own limit, and the one it runs with (what the budget had left). */
      runLimitUsd: z.number(),
      maxCostUsd: z.number(),
    }),
  }),
];
