// Where the programmatic API finds its configuration and data: the same loader and data directory
// rules as the CLI, from explicit options instead of flags and the process's current directory.
import { z } from "zod";
import { resolveDataDir } from "../config/data-dir.ts";
import { loadConfig } from "../config/load-config.ts";
import { InputError } from "../core/errors.ts";
import type { AppSettings } from "./app-context.ts";

/** Options every API function takes; each is optional and defaults as the CLI's do. */
export const SlipwayApiOptions = z.object({
  /** Where runs live (the CLI's --data-dir); default: the configuration's, else ~/.slipway. */
  dataDir: z.string().min(1).optional(),
  /** A slipway.yaml to read (the CLI's --config); default: the project directory's, if any. */
  configFile: z.string().min(1).optional(),
  /** Where a project slipway.yaml is looked for; default: the current directory. */
  projectDir: z.string().min(1).optional(),
  /** The environment read for overrides and keys; default: process.env. */
  env: z.record(z.string(), z.string().optional()).optional(),
});
export type SlipwayApiOptions = z.infer<typeof SlipwayApiOptions>;

/** Parse `value` with `schema`, or throw one InputError line naming the first problem. */
export function parseApiInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new InputError(`${what}: ${where}${issue.message}`);
}

/** Load and validate the configuration; `flags` are values that win over files and environment. */
export function apiSettings(options: SlipwayApiOptions, flags: Record<string, unknown> = {}): AppSettings {
  const env = options.env ?? process.env;
  const merged = options.dataDir ? { ...flags, dataDir: options.dataDir } : flags;
  const { config } = loadConfig({
    explicitFile: options.configFile,
    projectDir: options.projectDir ?? process.cwd(),
    env,
    flags: merged,
  });
  return { config, dataDir: resolveDataDir(config.dataDir, env), env };
}
