// Decides whether a run may make another model call: turns, wall time, tokens and dollars, the
// judge's calls included.
import type { RunLimits, Usage } from "../core/run.ts";

export type LimitOutcome = "turn_limit" | "time_limit" | "token_limit" | "cost_limit";

export interface LimitBreach {
  outcome: LimitOutcome;
  detail: string;
}

/** The first limit the run has reached, or undefined when another model call is allowed. */
export function checkLimits(
  limits: RunLimits,
  turns: number,
  usage: Usage,
  elapsedMs: number,
): LimitBreach | undefined {
  if (elapsedMs >= limits.maxMinutes * 60_000) {
    return { outcome: "time_limit", detail: `wall time reached ${limits.maxMinutes} min` };
  }
  const tokens = usage.inputTokens + usage.outputTokens;
  if (tokens >= limits.maxTokens) {
    return { outcome: "token_limit", detail: `${tokens} tokens used of ${limits.maxTokens} allowed` };
  }
  if (usage.costUsd >= limits.maxCostUsd) {
    return {
      outcome: "cost_limit",
      detail: `$${usage.costUsd.toFixed(4)} spent of $${limits.maxCostUsd} allowed`,
    };
  }
  if (turns >= limits.maxTurns) {
    return { outcome: "turn_limit", detail: `${turns} model calls made of ${limits.maxTurns} allowed` };
  }
  return undefined;
}

/** What is left of a run's token and dollar limits for spending outside the agent loop (the judge). */
export interface SpendBudget {
  tokens: number;
  costUsd: number;
}

/** The run's limits minus what was spent so far (never below zero). */
export function remainingBudget(limits: RunLimits, spent: Usage): SpendBudget {
  return {
    tokens: Math.max(0, limits.maxTokens - spent.inputTokens - spent.outputTokens),
    costUsd: Math.max(0, limits.maxCostUsd - spent.costUsd),
  };
}

/**
 * The limit that `spent` plus the `next` call's expected usage would pass, or undefined when the
 * call fits in `budget`. Used before each call, so the total never runs past a limit by a call.
 */
export function wouldExceed(budget: SpendBudget, spent: Usage, next: Usage): LimitBreach | undefined {
  const tokens = spent.inputTokens + spent.outputTokens + next.inputTokens + next.outputTokens;
  if (tokens > budget.tokens) {
    return {
      outcome: "token_limit",
      detail: `the judge would use ${tokens} tokens of the ${budget.tokens} the run has left`,
    };
  }
  const cost = spent.costUsd + next.costUsd;
  if (cost > budget.costUsd) {
    return {
      outcome: "cost_limit",
      detail: `the judge would spend $${cost.toFixed(4)} of the $${budget.costUsd.toFixed(4)} the run has left`,
    };
  }
  return undefined;
}
