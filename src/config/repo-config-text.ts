// One reading of a repository's `.slipway.yml` text for every section (verify, setup): YAML parsed,
// the section's schema applied, errors as one line naming the file and the key.
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../core/errors.ts";

/** A ConfigError naming `file` and, when given, the dotted `key`. */
export function repoConfigError(file: string, key: string, problem: string, cause?: unknown): ConfigError {
  return new ConfigError(`${file}: ${key ? `${key}: ` : ""}${problem}`, { details: { file, key }, cause });
}

/** `text` (the content of `file`) parsed as YAML and checked against `schema`; throws repoConfigError. */
export function parseRepoConfigText<Schema extends z.ZodType>(
  file: string,
  text: string,
  schema: Schema,
): z.infer<Schema> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw repoConfigError(file, "", `not valid YAML: ${(error as Error).message.split("\n")[0]}`, error);
  }
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw repoConfigError(file, issue.path.map(String).join("."), issue.message, parsed.error);
  }
  return parsed.data;
}
