// The forges Slipway knows, by the name `forge.type` takes. Adding a forge means adding its folder
// and one line here (registry.test.ts checks the folders against this map).
import { ConfigError } from "../core/errors.ts";
import type { Forge, ForgeContext, ForgeFactory } from "./forge.ts";
import { createLocalForge, localForgeName } from "./local/local-forge.ts";

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
