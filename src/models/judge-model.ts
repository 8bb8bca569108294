// Which model judges a run's change: the configured `judge.model`, else a cheaper model of the
// agent's own provider (so the judge needs no second account), else the agent's model itself.
import type { LanguageModel } from "ai";
import type { Price, SlipwayConfig } from "../config/config-schema.ts";
import { priceFor } from "./price-table.ts";
import { createLanguageModel, parseModelReference } from "./provider-registry.ts";

/** The cheaper sibling per provider; a provider not listed (a local server) judges with its own model. */
const cheaperJudgeModels: Readonly<Record<string, string>> = {
  anthropic: "anthropic:claude-haiku-4-5",
  openai: "openai:gpt-5-mini",
};

/** The judge's `provider:model` for an agent running `agentModel`. */
export function judgeModelName(agentModel: string, configured: string | undefined): string {
  if (configured) return configured;
  const { provider } = parseModelReference(agentModel);
  return cheaperJudgeModels[provider] ?? agentModel;
}

/** The judge's model, key and price, ready for a run; undefined when judge.enabled is false. */
export function createJudgeModel(
  agentModel: string,
  config: SlipwayConfig,
  env: NodeJS.ProcessEnv,
): { model: LanguageModel; modelName: string; price: Price | undefined } | undefined {
  if (!config.judge.enabled) return undefined;
  const modelName = judgeModelName(agentModel, config.judge.model);
  return {
    model: createLanguageModel(modelName, config, env),
    modelName,
    price: priceFor(modelName, config.prices),
  };
}
