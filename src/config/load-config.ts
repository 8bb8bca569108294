// Loads configuration: built-in defaults < user file < project file < environment < command-line
// flags. Every error names the source (file or variable), the key and what is wrong.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";
import type * as Yaml from "yaml";
import type { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import { SlipwayConfig } from "./config-schema.ts";
import { configFromEnv } from "./env-overrides.ts";
import { readOnlyMountsProblem } from "./read-only-mounts-check.ts";

export interface ConfigSources {
  /** An explicit config file (`--config`); replaces the project file. */
  explicitFile?: string;
  /** Directory searched for the project file `slipway.yaml`. */
  projectDir: string;
  env: NodeJS.ProcessEnv;
  /** Values from command-line flags, already shaped like the config. */
  flags: Record<string, unknown>;
}

export interface LoadedConfig {
  config: SlipwayConfig;
  /** Files that were read, in the order they were applied. */
  files: string[];
}

export const configFileName = "slipway.yaml";

const requireModule = createRequire(import.meta.url);

/**
 * The YAML parser (about 70 modules) is loaded when a config file exists, not at start-up: most
 * commands of a machine without one, and every reading command, must start without it.
 */
function parseYaml(text: string): unknown {
  return (requireModule("yaml") as typeof Yaml).parse(text);
}

export function userConfigPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), ".config");
  return path.join(base, "slipway", configFileName);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    const reason = (error as Error).message.split("\n")[0];
    throw new ConfigError(`${file} is not valid YAML: ${reason}`, { details: { file }, cause: error });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(`${file} must hold a YAML mapping of settings (see \`slipway init\`)`, {
      details: { file },
    });
  }
  return value as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Merge `layer` into `target`, recording for every leaf which source set it. */
function mergeLayer(
  target: Record<string, unknown>,
  layer: Record<string, unknown>,
  source: string,
  sources: Map<string, string>,
  prefix: string[] = [],
): void {
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const keyPath = [...prefix, key];
    if (isPlainObject(value) && key !== "prices") {
      // Merge key by key, so every leaf remembers the source that set it.
      if (!isPlainObject(target[key])) target[key] = {};
      mergeLayer(target[key] as Record<string, unknown>, value, source, sources, keyPath);
      if (!sources.has(keyPath.join("."))) sources.set(keyPath.join("."), source);
    } else {
      target[key] = isPlainObject(value) ? structuredClone(value) : value;
      sources.set(keyPath.join("."), source);
    }
  }
}

function sourceOf(keyPath: string, sources: Map<string, string>): string {
  for (
    let probe = keyPath;
    probe !== "";
    probe = probe.includes(".") ? probe.slice(0, probe.lastIndexOf(".")) : ""
  ) {
    const found = sources.get(probe);
    if (found) return found;
  }
  return "configuration";
}

/** The one-line message for the first problem zod found, naming source and key. */
export function describeConfigIssue(issue: z.core.$ZodIssue, sources: Map<string, string>): string {
  const keyPath = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (keyPath ? `${keyPath}.${key}` : key));
    return `${sourceOf(keys[0] ?? keyPath, sources)}: unknown key ${keys.join(", ")} (see \`slipway init\` for the known keys)`;
  }
  return `${sourceOf(keyPath, sources)}: ${keyPath || "(top level)"}: ${issue.message}`;
}

/** Read, merge and validate every configuration source. Throws ConfigError on the first problem. */
export function loadConfig(options: ConfigSources): LoadedConfig {
  const merged: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const files: string[] = [];
  const userFile = userConfigPath(options.env);
  const projectFile = options.explicitFile ?? path.join(options.projectDir, configFileName);
  if (options.explicitFile && !existsSync(options.explicitFile)) {
    throw new ConfigError(`config file ${options.explicitFile} does not exist: check the --config path`);
  }
  for (const file of [userFile, projectFile]) {
    if (!existsSync(file) || files.includes(file)) continue;
    mergeLayer(merged, readConfigFile(file), file, sources);
    files.push(file);
  }
  const fromEnv = configFromEnv(options.env);
  mergeLayer(merged, fromEnv.value, "environment", sources);
  for (const [key, source] of fromEnv.sources) sources.set(key, source);
  mergeLayer(merged, options.flags, "command line", sources);
  const parsed = SlipwayConfig.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ConfigError(describeConfigIssue(first, sources), { details: { issues: parsed.error.issues } });
  }
  const mountProblem = readOnlyMountsProblem(parsed.data, options.env);
  if (mountProblem) {
    throw new ConfigError(`${sourceOf("sandbox.readOnlyMounts", sources)}: ${mountProblem}`, {
      details: { key: "sandbox.readOnlyMounts" },
    });
  }
  return { config: parsed.data, files };
}
