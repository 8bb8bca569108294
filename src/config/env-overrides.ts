// The environment variables Slipway reads as configuration, each mapped to one config key.
// Secrets (API keys) are not here: they are read only where a provider client is built.

export interface EnvOverride {
  env: string;
  path: string[];
  kind: "string" | "number" | "boolean";
}

export const envOverrides: readonly EnvOverride[] = [
  { env: "SLIPWAY_MODEL", path: ["model"], kind: "string" },
  { env: "SLIPWAY_DATA_DIR", path: ["dataDir"], kind: "string" },
  { env: "SLIPWAY_SANDBOX", path: ["sandbox", "backend"], kind: "string" },
  { env: "SLIPWAY_FORGE", path: ["forge", "type"], kind: "string" },
  { env: "SLIPWAY_MAX_TURNS", path: ["limits", "maxTurns"], kind: "number" },
  { env: "SLIPWAY_MAX_MINUTES", path: ["limits", "maxMinutes"], kind: "number" },
  { env: "SLIPWAY_MAX_TOKENS", path: ["limits", "maxTokens"], kind: "number" },
  { env: "SLIPWAY_MAX_COST_USD", path: ["limits", "maxCostUsd"], kind: "number" },
  { env: "ANTHROPIC_BASE_URL", path: ["providers", "anthropic", "baseUrl"], kind: "string" },
  { env: "OPENAI_BASE_URL", path: ["providers", "openai", "baseUrl"], kind: "string" },
  {
    env: "SLIPWAY_OPENAI_COMPATIBLE_BASE_URL",
    path: ["providers", "openai-compatible", "baseUrl"],
    kind: "string",
  },
];

/**
 * Prefixes of the variables Slipway and the provider SDKs it loads read. An empty (or blank) one
 * means "not set": the SDKs read ANTHROPIC_BASE_URL / OPENAI_BASE_URL when their module loads and
 * throw on an empty value, which would break every command that loads them.
 */
const readPrefixes = ["SLIPWAY_", "ANTHROPIC_", "OPENAI_"] as const;

/** Delete from `env` every variable with a read prefix whose value is empty or blank; returns their names. */
export function dropBlankVariables(env: NodeJS.ProcessEnv): string[] {
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() !== "") continue;
    if (!readPrefixes.some((prefix) => name.startsWith(prefix))) continue;
    delete env[name];
    dropped.push(name);
  }
  return dropped;
}

function coerce(raw: string, kind: EnvOverride["kind"]): unknown {
  if (kind === "number") {
    const value = Number(raw);
    return Number.isFinite(value) && raw.trim() !== "" ? value : raw;
  }
  if (kind === "boolean")
    return raw === "true" || raw === "1" ? true : raw === "false" || raw === "0" ? false : raw;
  return raw;
}

/** A partial config object holding only the values set in `env`; values stay unvalidated. */
export function configFromEnv(env: NodeJS.ProcessEnv): {
  value: Record<string, unknown>;
  sources: Map<string, string>;
} {
  const value: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const override of envOverrides) {
    const raw = env[override.env];
    if (raw === undefined || raw.trim() === "") continue;
    setPath(value, override.path, coerce(raw, override.kind));
    sources.set(override.path.join("."), `environment variable ${override.env}`);
  }
  return { value, sources };
}

export function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
