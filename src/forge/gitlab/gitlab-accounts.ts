// Who is who on a GitLab project, for the follow-up channel: the account Slipway's token acts as
// (its notes are Slipway's own), and whether a commenter is a member with the Developer role or
// above (direct or inherited from a group).
import type { ProjectMembers, Users } from "@gitbeaker/rest";
import { SlipwayError } from "../../core/errors.ts";
import type { ForgeAccount } from "../forge.ts";
import { GitlabMember, GitlabUser, parseGitlab } from "./gitlab-responses.ts";

/** GitLab's access levels: 30 is Developer, the first that may push to a branch. */
const developerAccessLevel = 30;

export interface GitlabAccountsContext {
  users: Users;
  members: ProjectMembers;
  project: string;
  call: <T>(signal: AbortSignal, run: () => Promise<T>) => Promise<T>;
}

/** The account the token acts as (personal, project and group access tokens each have one). */
export async function gitlabSelfAccount(
  ctx: GitlabAccountsContext,
  signal: AbortSignal,
): Promise<ForgeAccount> {
  const user = parseGitlab(
    GitlabUser,
    await ctx.call(signal, () => ctx.users.showCurrentUser()),
    "the token's own account",
  );
  return { login: user.username, id: String(user.id) };
}

/** Whether `account` is an active member of the project with the Developer role or above. */
export async function gitlabHasWriteAccess(
  ctx: GitlabAccountsContext,
  account: ForgeAccount,
  signal: AbortSignal,
): Promise<boolean> {
  // Membership is looked up by id: a note always names its author's, and a name can change hands.
  if (account.id === undefined || !/^\d+$/.test(account.id)) return false;
  const userId = Number(account.id);
  try {
    const member = parseGitlab(
      GitlabMember,
      await ctx.call(signal, () => ctx.members.show(ctx.project, userId, { includeInherited: true })),
      `the membership of ${account.login}`,
    );
    return member.access_level >= developerAccessLevel && (member.state ?? "active") === "active";
  } catch (error) {
    // 404: not a member of the project or of any group above it.
    if (SlipwayError.isInstance(error) && error.details.status === 404) return false;
    throw error;
  }
}
