// Test support: GitHub users and the repository in the shapes of GitHub's REST API (the
// simple-user and repository schemas), for the double's pull requests, statuses and comments.

export const fixtureCreatedAt = "2026-01-05T10:00:00Z";

export interface GithubAccountFixtures {
  user(login: string): Record<string, unknown>;
  /** `GET /user` for a personal token: the public-user shape. */
  authenticatedUser(login: string): Record<string, unknown>;
  /** `GET .../collaborators/{username}/permission`. */
  collaboratorPermission(login: string, permission: string): Record<string, unknown>;
  repository(): Record<string, unknown>;
}

export function githubAccountFixtures(
  api: string,
  web: string,
  owner: string,
  repo: string,
): GithubAccountFixtures {
  const fullName = `${owner}/${repo}`;
  const repoApi = `${api}/repos/${fullName}`;
  const createdAt = fixtureCreatedAt;
  const userIds = new Map<string, number>();

  const user = (login: string): Record<string, unknown> => {
    const id = userIds.get(login) ?? 1000 + userIds.size;
    userIds.set(login, id);
    // A GitHub App's login, `<slug>[bot]`, is escaped in URLs as GitHub does.
    const path = encodeURIComponent(login);
    const userApi = `${api}/users/${path}`;
    return {
      login,
      id,
      node_id: `U_${id}`,
      avatar_url: `${web}/avatars/${path}`,
      gravatar_id: "",
      url: userApi,
      html_url: `${web}/${path}`,
      followers_url: `${userApi}/followers`,
      following_url: `${userApi}/following{/other_user}`,
      gists_url: `${userApi}/gists{/gist_id}`,
      starred_url: `${userApi}/starred{/owner}{/repo}`,
      subscriptions_url: `${userApi}/subscriptions`,
      organizations_url: `${userApi}/orgs`,
      repos_url: `${userApi}/repos`,
      events_url: `${userApi}/events{/privacy}`,
      received_events_url: `${userApi}/received_events`,
      type: login.endsWith("[bot]") ? "Bot" : "User",
      site_admin: false,
    };
  };

  const authenticatedUser = (login: string): Record<string, unknown> => ({
    ...user(login),
    bio: null,
    blog: null,
    company: null,
    email: null,
    followers: 0,
    following: 0,
    hireable: null,
    location: null,
    name: login,
    public_gists: 0,
    public_repos: 0,
    created_at: createdAt,
    updated_at: createdAt,
    user_view_type: "public",
  });

  const collaboratorPermission = (login: string, permission: string): Record<string, unknown> => {
    // The legacy `permission` folds maintain into write and triage into read; role_name keeps them.
    const roleName = permission === "none" ? "none" : permission;
    const pushes = ["admin", "write"].includes(permission);
    return {
      permission,
      role_name: roleName,
      user: {
        ...user(login),
        permissions: { pull: permission !== "none", push: pushes, admin: permission === "admin" },
        role_name: roleName,
      },
    };
  };

  const repository = (): Record<string, unknown> => {
    const urls: Record<string, string> = {};
    for (const name of [
      "archive",
      "assignees",
      "blobs",
      "branches",
      "collaborators",
      "comments",
      "commits",
      "compare",
      "contents",
      "contributors",
      "deployments",
      "downloads",
      "events",
      "forks",
      "git_commits",
      "git_refs",
      "git_tags",
      "hooks",
      "issue_comment",
      "issue_events",
      "issues",
      "keys",
      "labels",
      "languages",
      "merges",
      "milestones",
      "notifications",
      "pulls",
      "releases",
      "stargazers",
      "statuses",
      "subscribers",
      "subscription",
      "tags",
      "teams",
      "trees",
    ]) {
      urls[`${name}_url`] = `${repoApi}/${name.replace("_", "/")}`;
    }
    return {
      id: 4242,
      node_id: "R_4242",
      name: repo,
      full_name: fullName,
      owner: user(owner),
      private: true,
      description: null,
      fork: false,
      url: repoApi,
      html_url: `${web}/${fullName}`,
      ...urls,
      clone_url: `${web}/${fullName}.git`,
      git_url: `git://double.invalid/${fullName}.git`,
      ssh_url: `git@double.invalid:${fullName}.git`,
      svn_url: `${web}/${fullName}`,
      mirror_url: null,
      homepage: null,
      language: "TypeScript",
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers: 0,
      watchers_count: 0,
      size: 1,
      default_branch: "main",
      open_issues: 0,
      open_issues_count: 0,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_downloads: false,
      archived: false,
      disabled: false,
      license: null,
      pushed_at: createdAt,
      created_at: createdAt,
      updated_at: createdAt,
    };
  };

  return { user, authenticatedUser, collaboratorPermission, repository };
}
