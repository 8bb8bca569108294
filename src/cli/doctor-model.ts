// `slipway doctor`'s model check: the configured provider's key variable is set, and one tiny
// bounded request to the provider's base URL (its model list) says whether it answers and whether
// it takes the key. An unreachable provider is a warning with the fix, never a crash.
import type { SlipwayConfig } from "../config/config-schema.ts";
import { boundedGet, type DoctorFinding } from "./doctor-request.ts";
import { providerKeyVariables } from "./init-questions.ts";

type ProviderName = keyof SlipwayConfig["providers"];

/** The providers' own API roots, used when `providers.<name>.baseUrl` is unset. */
const defaultBaseUrls: Record<ProviderName, string | undefined> = {
  anthropic: "https://api.anthropic.com/v1",
  openai: "https://api.openai.com/v1",
  "openai-compatible": undefined,
};

function authHeaders(provider: ProviderName, key: string | undefined): Record<string, string> {
  if (!key) return {};
  return provider === "anthropic"
    ? { "x-api-key": key, "anthropic-version": "2023-06-01" }
    : { authorization: `Bearer ${key}` };
}

function isProvider(name: string): name is ProviderName {
  return name in defaultBaseUrls;
}

/** Judge the answer to `GET <base>/models`: any HTTP answer means reachable; 401/403 a refused key. */
export function judgeModelAnswer(
  base: string,
  keyVariable: string | undefined,
  answer: Awaited<ReturnType<typeof boundedGet>>,
  keySent: boolean,
): DoctorFinding {
  if (!answer.reached)
    return {
      name: "model",
      state: "warning",
      detail: `${base} cannot be reached: ${answer.reason}`,
      fix: "check the network, a proxy (HTTPS_PROXY), or the provider's baseUrl in slipway.yaml",
    };
  if ((answer.status === 401 || answer.status === 403) && !keySent)
    return { name: "model", state: "ok", detail: `${base} answers (it asks for the key said above)` };
  if (answer.status === 401 || answer.status === 403)
    return {
      name: "model",
      state: "warning",
      detail: `${base} answers, but refused the key (HTTP ${answer.status})`,
      fix: keyVariable
        ? `check the key in ${keyVariable}`
        : "set the provider's apiKeyEnv to a key it accepts",
    };
  return { name: "model", state: "ok", detail: `${base} answers (HTTP ${answer.status} on /models)` };
}

/** The model findings: the key variable, then reachability when a base URL is known. */
export async function checkModel(config: SlipwayConfig, env: NodeJS.ProcessEnv): Promise<DoctorFinding[]> {
  const reference = config.model;
  if (!reference)
    return [
      {
        name: "model",
        state: "warning",
        detail: "no model configured",
        fix: "run `slipway init`, or set `model:` in slipway.yaml",
      },
    ];
  const provider = reference.slice(0, reference.indexOf(":"));
  if (!isProvider(provider))
    return [{ name: "model", state: "skipped", detail: `${reference} needs no provider account` }];
  const settings = config.providers[provider];
  const keyVariable = settings.apiKeyEnv ?? providerKeyVariables[provider];
  const key = keyVariable ? env[keyVariable]?.trim() || undefined : undefined;
  const keyOptional = provider === "openai-compatible";
  const keyFinding: DoctorFinding = key
    ? { name: "model", state: "ok", detail: `${reference}: ${keyVariable} is set` }
    : keyOptional
      ? {
          name: "model",
          state: "ok",
          detail: `${reference}: no key (${keyVariable} unset), as a local server needs none`,
        }
      : {
          name: "model",
          state: "warning",
          detail: `${reference}: ${keyVariable} is not set`,
          fix: `export ${keyVariable}=<your key> before a run`,
        };
  const base = (settings.baseUrl ?? defaultBaseUrls[provider])?.replace(/\/+$/, "");
  if (!base)
    return [
      keyFinding,
      {
        name: "model",
        state: "warning",
        detail: `${provider} has no base URL`,
        fix: `set providers.${provider}.baseUrl in slipway.yaml (Ollama: http://localhost:11434/v1)`,
      },
    ];
  const answer = await boundedGet(`${base}/models`, authHeaders(provider, key));
  return [keyFinding, judgeModelAnswer(base, keyVariable, answer, key !== undefined)];
}
