// Builds a language model from `provider:model` through the Vercel AI SDK's maintained providers.
// API keys are read here, in the platform process, and go nowhere else.
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { ModelError } from "../core/errors.ts";

export interface ModelReference {
  provider: string;
  modelId: string;
}

interface ProviderFactory {
  defaultKeyEnv?: string;
  /** True when the provider cannot work without an API key. */
  keyRequired: boolean;
  create(modelId: string, settings: { baseUrl?: string; apiKey?: string }): LanguageModel;
}

export const providerFactories: ReadonlyMap<string, ProviderFactory> = new Map<string, ProviderFactory>([
  [
    "anthropic",
    {
      defaultKeyEnv: "ANTHROPIC_API_KEY",
      keyRequired: true,
      create: (modelId, { baseUrl, apiKey }) => createAnthropic({ baseURL: baseUrl, apiKey })(modelId),
    },
  ],
  [
    "openai",
    {
      defaultKeyEnv: "OPENAI_API_KEY",
      keyRequired: true,
      create: (modelId, { baseUrl, apiKey }) => createOpenAI({ baseURL: baseUrl, apiKey }).chat(modelId),
    },
  ],
  [
    "openai-compatible",
    {
      defaultKeyEnv: "OPENAI_COMPATIBLE_API_KEY",
      keyRequired: false,
      create: (modelId, { baseUrl, apiKey }) => {
        if (!baseUrl) {
          throw new ModelError(
            "openai-compatible needs a base URL: set providers.openai-compatible.baseUrl in slipway.yaml (Ollama: http://localhost:11434/v1)",
            { code: "model_not_configured" },
          );
        }
        return createOpenAICompatible({
          name: "openai-compatible",
          baseURL: baseUrl,
          apiKey,
          includeUsage: true,
        })(modelId);
      },
    },
  ],
]);

export const noModelMessage =
  "no model configured: pass --model or set `model:` in slipway.yaml — anthropic:<model> with ANTHROPIC_API_KEY, " +
  "openai:<model> with OPENAI_API_KEY, or openai-compatible:<model> with providers.openai-compatible.baseUrl " +
  "(Ollama, vLLM); script:<turns.yaml> or replay:<run id> need no account, and `slipway demo` runs without one";

/** Split `provider:model`; throws a ModelError naming the known providers on a bad reference. */
export function parseModelReference(reference: string | undefined): ModelReference {
  if (!reference) throw new ModelError(noModelMessage, { code: "model_not_configured" });
  const colon = reference.indexOf(":");
  const provider = colon > 0 ? reference.slice(0, colon) : "";
  const modelId = reference.slice(colon + 1);
  if (!providerFactories.has(provider) || modelId === "") {
    const known = [...providerFactories.keys()].join(", ");
    throw new ModelError(
      `unknown model "${reference}": use provider:model with provider one of ${known} (or script:FILE, replay:RUN_ID)`,
      {
        code: "model_not_configured",
      },
    );
  }
  return { provider, modelId };
}

/** The AI SDK model for `reference`, with the key taken from the platform's environment. */
export function createLanguageModel(
  reference: string | undefined,
  config: SlipwayConfig,
  env: NodeJS.ProcessEnv,
): LanguageModel {
  const { provider, modelId } = parseModelReference(reference);
  const factory = providerFactories.get(provider)!;
  const settings = config.providers[provider as keyof SlipwayConfig["providers"]];
  const keyEnv = settings.apiKeyEnv ?? factory.defaultKeyEnv;
  const apiKey = keyEnv ? env[keyEnv] : undefined;
  if (factory.keyRequired && !apiKey) {
    throw new ModelError(`model ${reference} needs an API key: set the ${keyEnv} environment variable`, {
      code: "model_not_configured",
    });
  }
  return factory.create(modelId, { baseUrl: settings.baseUrl, apiKey });
}
