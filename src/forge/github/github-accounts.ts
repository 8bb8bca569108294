// Who is who on a GitHub repository, for the follow-up channel: the account Slipway's token acts
// as (its comments are Slipway's own), and whether a commenter has write access to the repository.
import type { Octokit } from "@octokit/rest";
import { SlipwayError } from "../../core/errors.ts";
import type { ForgeAccount } from "../forge.ts";
import { GithubAuthenticatedUser, GithubCollaboratorPermission, parseGithub } from "./github-responses.ts";

/** The legacy `permission` reports maintain as write and triage as read: write and up may push. */
const writePermissions = new Set(["admin", "maintain", "write"]);

function hasStatus(error: unknown, status: number): boolean {
  return SlipwayError.isInstance(error) && error.details.status === status;
}

/** The account the token acts as; undefined for a GitHub App's installation token (GitHub says 403). */
export async function authenticatedAccount(
  octokit: Octokit,
  signal: AbortSignal,
): Promise<ForgeAccount | undefined> {
  try {
    const response = await octokit.rest.users.getAuthenticated({ request: { signal } });
    const user = parseGithub(GithubAuthenticatedUser, response.data, "the token's own account");
    return { login: user.login, id: String(user.id) };
  } catch (error) {
    // An installation token is no user. Slipway's comments are still known by their marker.
    if (hasStatus(error, 403)) return undefined;
    throw error;
  }
}

/**
 * Whether `account` has write access to `owner/repo`, by the collaborator permission API (the
 * author association of a comment is not enough: an organisation MEMBER may only read).
 */
export async function hasWriteAccess(
  octokit: Octokit,
  target: { owner: string; repo: string },
  account: ForgeAccount,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    const response = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...target,
      username: account.login,
      request: { signal },
    });
    const level = parseGithub(
      GithubCollaboratorPermission,
      response.data,
      `the permission of ${account.login}`,
    );
    // The login was renamed and taken by someone else since the comment: not the commenter's rights.
    if (account.id !== undefined && level.user !== null && String(level.user.id) !== account.id) return false;
    return writePermissions.has(level.permission);
  } catch (error) {
    // No such account (deleted: GitHub shows "ghost"): nobody with rights.
    if (hasStatus(error, 404)) return false;
    throw error;
  }
}
