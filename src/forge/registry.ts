// The forges Slipway knows, by the name `forge.type` takes. Adding a forge means adding its folder
// and one line here (registry.test.ts checks the folders against this map).
import type { ForgeConfig, RepositoryConfig } from "../config/config-schema.ts";
import { ConfigError } from "../core/errors.ts";
import type { Forge, ForgeContext, ForgeFactory } from "./forge.ts";
import { createLocalForge, localForgeName } from "./local/local-forge.ts";
import { parseRepositoryUrl } from "./repository-url.ts";

// The hosted forges load their client libraries (Octokit, gitbeaker) only when one is configured.
export const forgeFactories: ReadonlyMap<string, ForgeFactory> = new Map<string, ForgeFactory>([
  [localForgeName, createLocalForge],
  [
    "github",
    async (context) => (await import("./github/github-factory.ts")).createGithubForgeFromConfig(context),
  ],
  [
    "gitlab",
    async (context) => (await import("./gitlab/gitlab-factory.ts")).createGitlabForgeFromConfig(context),
  ],
]);

/** Build the configured forge for `context.source`; ConfigError for an unknown `forge.type`. */
export async function openForge(context: ForgeContext): Promise<Forge> {
  const type = context.settings.type;
  const factory = forgeFactories.get(type);
  if (!factory) {
    throw new ConfigError(
      `forge.type "${type}" is unknown: use one of ${[...forgeFactories.keys()].join(", ")}`,
      {
        details: { type },
      },
    );
  }
  return factory(context);
}

/** The first `repositories:` entry naming `source` (exactly, or by prefix with a trailing `*`). */
export function repositoryEntryFor(
  entries: readonly RepositoryConfig[],
  source: string,
): RepositoryConfig | undefined {
  return entries.find((entry) =>
    entry.match.endsWith("*") ? source.startsWith(entry.match.slice(0, -1)) : source === entry.match,
  );
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The hosted forge a repository URL's host names: github.com and gitlab.com, or the configured API hosts. */
export function forgeTypeForHost(settings: ForgeConfig, source: string): string | undefined {
  const host = parseRepositoryUrl(source)?.host.toLowerCase();
  if (host === undefined) return undefined;
  const githubHost = hostOf(settings.github.apiUrl);
  if (
    host === "github.com" ||
    (githubHost !== undefined && githubHost !== "api.github.com" && host === githubHost)
  ) {
    return "github";
  }
  if (host === "gitlab.com" || host === hostOf(settings.gitlab.apiUrl)) return "gitlab";
  return undefined;
}

/**
 * The forge settings for one repository, so one installation serves GitHub, GitLab and local
 * repositories at once: a `repositories:` entry's settings over `forge:`'s; without one, the
 * URL's host picks the forge type; anything else keeps `forge.type`.
 */
export function forgeSettingsFor(
  config: { forge: ForgeConfig; repositories?: readonly RepositoryConfig[] },
  source: string,
): ForgeConfig {
  const base = config.forge;
  const entry = repositoryEntryFor(config.repositories ?? [], source);
  if (entry === undefined) {
    const type = forgeTypeForHost(base, source);
    return type === undefined ? base : { ...base, type };
  }
  const { github, gitlab, ...rest } = entry.forge;
  const merged: ForgeConfig = {
    ...base,
    ...rest,
    github: { ...base.github, ...github },
    gitlab: { ...base.gitlab, ...gitlab },
  };
  return rest.type === undefined
    ? { ...merged, type: forgeTypeForHost(merged, source) ?? base.type }
    : merged;
}
