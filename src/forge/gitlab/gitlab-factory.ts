// Builds the gitlab forge from the `forge:` configuration: the project from the settings or the
// repository's URL, the token from the platform's environment (never from a file).
import { ForgeError } from "../../core/errors.ts";
import type { Forge, ForgeContext } from "../forge.ts";
import { parseRepositoryUrl, redactUrl } from "../repository-url.ts";
import { createGitlabForge } from "./gitlab-forge.ts";

function projectOf(context: ForgeContext): string {
  const configured = context.settings.gitlab.project;
  if (configured) return configured;
  const path = parseRepositoryUrl(context.source)?.path;
  if (path) return path;
  throw new ForgeError(
    `cannot tell the GitLab project of ${redactUrl(context.source)}: set forge.gitlab.project`,
    {
      code: "forge_not_configured",
      details: { source: redactUrl(context.source) },
    },
  );
}

export async function createGitlabForgeFromConfig(context: ForgeContext): Promise<Forge> {
  const { tokenEnv, apiUrl } = context.settings.gitlab;
  const token = context.env[tokenEnv];
  if (!token) {
    throw new ForgeError(
      `forge.type is gitlab but ${tokenEnv} is not set: export a token with api and write_repository scopes in Slipway's environment`,
      { code: "forge_not_configured", details: { tokenEnv } },
    );
  }
  return createGitlabForge({
    token,
    project: projectOf(context),
    host: apiUrl,
    tokenVariable: tokenEnv,
    onWarning: (message) => context.onWarning?.(message),
  });
}
