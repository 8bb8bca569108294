// The guard policy of one run: the platform's `guards:` config, overridden key by key by the
// repository's `.slipway.yml` `guards:` section as it stands at the base commit (read before the
// agent runs, so the agent cannot loosen its own guards), then the task's own scope and grants.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError } from "../../core/errors.ts";
import { GuardPolicy } from "../guards/guard.ts";

/**
 * What one task sets: the paths it may touch (replacing the repository's), protected files it may
 * change, text-typed files that may receive binary content, paths that may become symbolic links.
 */
export interface TaskGuardGrants {
  allowedPaths?: string[];
  allowProtected?: string[];
  allowBinary?: string[];
  /** Paths where this task may add or retarget symbolic links. */
  allowSymlinks?: string[];
}

const RepoGuardSection = z.looseObject({ guards: z.record(z.string(), z.unknown()).optional() });

/** The raw `guards:` mapping of a `.slipway.yml` text named `file`; {} when it has none. */
export function parseRepoGuardSection(file: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message.split("\n")[0]}`, {
      cause: error,
    });
  }
  const parsed = RepoGuardSection.safeParse(value ?? {});
  if (!parsed.success) throw new ConfigError(`${file}: guards: must be a mapping of guard settings`);
  return parsed.data.guards ?? {};
}

/** Merge the three sources and validate; errors name the file and key. */
export function resolveGuardPolicy(
  platform: GuardPolicy,
  repo: Record<string, unknown>,
  grants: TaskGuardGrants,
): GuardPolicy {
  const parsed = GuardPolicy.safeParse({ ...platform, ...repo });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = ["guards", ...issue.path.map(String)].join(".");
    throw new ConfigError(`.slipway.yml: ${key}: ${issue.message}`, { details: { key } });
  }
  const policy = parsed.data;
  return {
    ...policy,
    // The person who wrote the task sets its scope: their paths replace the repository's.
    allowedPaths: grants.allowedPaths?.length ? grants.allowedPaths : policy.allowedPaths,
    allowProtected: [...policy.allowProtected, ...(grants.allowProtected ?? [])],
    allowBinary: [...policy.allowBinary, ...(grants.allowBinary ?? [])],
    allowSymlinks: [...policy.allowSymlinks, ...(grants.allowSymlinks ?? [])],
  };
}
