// `slipway doctor`'s forge check: the token variable is set, and for github and gitlab one bounded
// authenticated request says whom the token acts as and, with a configured repository, whether it
// may push there. A refused or unreachable forge is a warning with the fix, never a crash.
import { z } from "zod";
import type { SlipwayConfig } from "../config/config-schema.ts";
import { bodyField, boundedGet, type DoctorFinding } from "./doctor-request.ts";

const warning = (detail: string, fix: string): DoctorFinding => ({
  name: "forge",
  state: "warning",
  detail,
  fix,
});
const ok = (detail: string): DoctorFinding => ({ name: "forge", state: "ok", detail });

function unreachable(url: string, reason: string, setting: string): DoctorFinding {
  return warning(`${url} cannot be reached: ${reason}`, `check the network, a proxy, or ${setting}`);
}

/** GitHub: `GET /user` (the login, and a classic token's scopes), then the login's permission on the repository. */
async function checkGithub(
  settings: SlipwayConfig["forge"]["github"],
  token: string,
): Promise<DoctorFinding[]> {
  const api = (settings.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${token}`, accept: "application/vnd.github+json" };
  const user = await boundedGet(`${api}/user`, headers);
  if (!user.reached) return [unreachable(api, user.reason, "forge.github.apiUrl")];
  if (user.status === 401)
    return [
      warning(
        `GitHub refused the token in ${settings.tokenEnv} (HTTP 401)`,
        `make a new token and export it as ${settings.tokenEnv}`,
      ),
    ];
  const login = bodyField(user.body, z.object({ login: z.string() }))?.login;
  if (user.status === 403 || !login)
    return [
      ok(
        `the token in ${settings.tokenEnv} is no user's (a GitHub App's, HTTP ${user.status} on /user): its rights are the installation's`,
      ),
    ];
  const scopes = user.headers.get("x-oauth-scopes");
  const found = [
    ok(
      `the token in ${settings.tokenEnv} acts as ${login}${scopes === null ? "" : `, scopes: ${scopes || "none"}`}`,
    ),
  ];
  if (!settings.owner || !settings.repo)
    return [
      ...found,
      {
        name: "forge",
        state: "skipped",
        detail:
          "repository permissions: forge.github.owner/repo unset; they come from each run's repository URL",
      },
    ];
  const where = `${settings.owner}/${settings.repo}`;
  const permission = await boundedGet(
    `${api}/repos/${where}/collaborators/${encodeURIComponent(login)}/permission`,
    headers,
  );
  if (!permission.reached) return [...found, unreachable(api, permission.reason, "forge.github.apiUrl")];
  const level = bodyField(permission.body, z.object({ permission: z.string() }))?.permission;
  if (permission.status !== 200 || !level)
    return [
      ...found,
      warning(
        `${login} has no readable permission on ${where} (HTTP ${permission.status})`,
        `give ${login} write access to ${where}`,
      ),
    ];
  return [
    ...found,
    ["admin", "write"].includes(level)
      ? ok(`${login} may push to ${where} and open pull requests (${level})`)
      : warning(
          `${login} has ${level} on ${where}: Slipway cannot push there`,
          `give ${login} write access to ${where}`,
        ),
  ];
}

/** GitLab access levels: 30 is Developer, which may push branches and open merge requests. */
const developerLevel = 30;

/** GitLab: `GET /user`, then the user's access level on the configured project. */
async function checkGitlab(
  settings: SlipwayConfig["forge"]["gitlab"],
  token: string,
): Promise<DoctorFinding[]> {
  const api = `${(settings.apiUrl ?? "https://gitlab.com").replace(/\/+$/, "")}/api/v4`;
  const headers = { "private-token": token };
  const user = await boundedGet(`${api}/user`, headers);
  if (!user.reached) return [unreachable(api, user.reason, "forge.gitlab.apiUrl")];
  const account = bodyField(user.body, z.object({ id: z.number(), username: z.string() }));
  if (user.status !== 200 || !account)
    return [
      warning(
        `GitLab refused the token in ${settings.tokenEnv} (HTTP ${user.status})`,
        `make a token with the api scope and export it as ${settings.tokenEnv}`,
      ),
    ];
  const found = [ok(`the token in ${settings.tokenEnv} acts as ${account.username}`)];
  if (!settings.project)
    return [
      ...found,
      {
        name: "forge",
        state: "skipped",
        detail: "project permissions: forge.gitlab.project unset; it comes from each run's repository URL",
      },
    ];
  const member = await boundedGet(
    `${api}/projects/${encodeURIComponent(settings.project)}/members/all/${account.id}`,
    headers,
  );
  if (!member.reached) return [...found, unreachable(api, member.reason, "forge.gitlab.apiUrl")];
  const level = bodyField(member.body, z.object({ access_level: z.number() }))?.access_level;
  if (member.status !== 200 || level === undefined)
    return [
      ...found,
      warning(
        `${account.username} is no member of ${settings.project} (HTTP ${member.status})`,
        `add ${account.username} to ${settings.project} as Developer or above`,
      ),
    ];
  return [
    ...found,
    level >= developerLevel
      ? ok(
          `${account.username} may push to ${settings.project} and open merge requests (access level ${level})`,
        )
      : warning(
          `${account.username} has access level ${level} on ${settings.project}: below Developer, Slipway cannot push`,
          `make ${account.username} a Developer (or above) of ${settings.project}`,
        ),
  ];
}

/** The forge findings for the configured forge type. */
export async function checkForge(config: SlipwayConfig, env: NodeJS.ProcessEnv): Promise<DoctorFinding[]> {
  const { forge } = config;
  if (forge.type === "local")
    return [
      ok(`local: branches go to a git remote${forge.remote ? ` (${forge.remote})` : ""}, no token needed`),
    ];
  if (forge.type !== "github" && forge.type !== "gitlab")
    return [
      warning(
        `forge.type "${forge.type}" is no forge Slipway knows`,
        "set forge.type to local, github or gitlab",
      ),
    ];
  const settings = forge.type === "github" ? forge.github : forge.gitlab;
  const token = env[settings.tokenEnv]?.trim();
  if (!token)
    return [
      warning(
        `${forge.type}: ${settings.tokenEnv} is not set`,
        `export ${settings.tokenEnv}=<a token that may push and open ${forge.type === "github" ? "pull" : "merge"} requests>`,
      ),
    ];
  return forge.type === "github" ? checkGithub(forge.github, token) : checkGitlab(forge.gitlab, token);
}
