// Dollars per million tokens for known models, and the cost of a model call from its usage.
// Users override or extend the table with `prices:` in slipway.yaml.
import type { Price } from "../config/config-schema.ts";

/** Public list prices (USD per million tokens) at the time of writing; override in config. */
export const builtinPrices: Readonly<Record<string, Price>> = {
  "anthropic:claude-opus-4-5": { inputPerMillion: 5, outputPerMillion: 25 },
  "anthropic:claude-sonnet-4-5": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic:claude-haiku-4-5": { inputPerMillion: 1, outputPerMillion: 5 },
  "openai:gpt-5": { inputPerMillion: 1.25, outputPerMillion: 10 },
  "openai:gpt-5-mini": { inputPerMillion: 0.25, outputPerMillion: 2 },
  "openai:gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
};

/** The price for `model`, from config first, then the built-in table; undefined when unknown. */
export function priceFor(model: string, overrides: Record<string, Price>): Price | undefined {
  return overrides[model] ?? builtinPrices[model];
}

export function costOf(price: Price | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return 0;
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}
