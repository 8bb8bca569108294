// Decides whether a run may make another model call: turns, wall time, tokens and dollars.
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
