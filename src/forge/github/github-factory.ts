// Builds the github forge from the `forge:` configuration: owner and repository from the settings
// or the repository's URL, the token from the platform's environment (never from a file).
import { ForgeError } from "../../core/errors.ts";
import type { Forge, ForgeContext } from "../forge.ts";
import { parseRepositoryUrl, redactUrl } from "../repository-url.ts";
import { createGithubForge } from "./github-forge.ts";

function ownerAndRepo(context: ForgeContext): { owner: string; repo: string } {
  const { owner, repo } = context.settings.github;
  if (owner && repo) return { owner, repo };
  const parts = parseRepositoryUrl(context.source)?.path.split("/");
  if (parts?.length === 2) return { owner: owner ?? parts[0]!, repo: repo ?? parts[1]! };
  throw new ForgeError(
    `cannot tell the GitHub repository of ${redactUrl(context.source)}: set forge.github.owner and forge.github.repo`,
    { code: "forge_not_configured", details: { source: redactUrl(context.source) } },
  );
}

export async function createGithubForgeFromConfig(context: ForgeContext): Promise<Forge> {
  const { tokenEnv, apiUrl } = context.settings.github;
  const token = context.env[tokenEnv];
  if (!token) {
    throw new ForgeError(
      `forge.type is github but ${tokenEnv} is not set: export a token with push and pull-request rights in Slipway's environment`,
      { code: "forge_not_configured", details: { tokenEnv } },
    );
  }
  return createGithubForge({
    token,
    ...ownerAndRepo(context),
    apiUrl,
    tokenVariable: tokenEnv,
    onWarning: (message) => context.onWarning?.(message),
  });
}
