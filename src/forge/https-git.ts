// Pushing a run's branch to a hosted forge over HTTPS, and reading a remote branch's head, with the
// platform's token. The token reaches git only as an `http.extraHeader` in the environment of that
// one git process (GIT_CONFIG_COUNT/KEY/VALUE): never in argv (which other users can read), never
// in the mirror's config, the worktree or any file.
import { ForgeError } from "../core/errors.ts";
import { firstErrorLine, GitCommandError, runGit } from "../workspace/git.ts";
import type { PushRequest } from "./forge.ts";

export interface HttpsGitRemote {
  /** "GitHub" or "GitLab", for messages. */
  forgeName: string;
  /** The repository's HTTPS URL (no credentials in it), e.g. `https://github.com/acme/api.git`. */
  url: string;
  /** The basic-auth user the forge expects with a token (`x-access-token`, `oauth2`). */
  username: string;
  token: string;
  /** The setting that holds the token, named in errors. */
  tokenVariable: string;
  /** The right a push needs, named when the token lacks it (`contents: write`). */
  pushRightsHint: string;
}

const pushTimeoutMs = 600_000;
const lsRemoteTimeoutMs = 60_000;

/** Settings for a git process that talks to the remote; none of them is secret. */
const transportConfig: readonly string[] = [
  // The Authorization header must not follow a redirect to another host.
  "http.followRedirects=false",
  // A stalled transfer (under 1 KB/s for a minute) ends instead of hanging until the timeout.
  "http.lowSpeedLimit=1000",
  "http.lowSpeedTime=60",
];

/**
 * The environment that hands git the token: the first value empties any `http.extraHeader`
 * inherited from config files, the second adds ours. Read only by this git process and its
 * children (/proc/<pid>/environ is private to the user).
 */
export function authEnvironment(remote: HttpsGitRemote): Record<string, string> {
  const credentials = Buffer.from(`${remote.username}:${remote.token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: "http.extraHeader",
    GIT_CONFIG_VALUE_0: "",
    GIT_CONFIG_KEY_1: "http.extraHeader",
    GIT_CONFIG_VALUE_1: `Authorization: Basic ${credentials}`,
  };
}

/**
 * Fail early, before any request, on a token that is missing or could not be sent as a header
 * (whitespace or control characters, e.g. a trailing newline from a file).
 */
export function assertUsableToken(forgeName: string, token: string, tokenVariable: string): void {
  if (token.trim() === "") {
    throw new ForgeError(
      `no ${forgeName} token: set ${tokenVariable} to a token with push and pull-request rights`,
      {
        code: "forge_not_configured",
        details: { tokenVariable },
      },
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\s\x00-\x1f\x7f]/.test(token)) {
    throw new ForgeError(
      `the ${forgeName} token in ${tokenVariable} contains whitespace or control characters: remove them`,
      {
        code: "forge_not_configured",
        details: { tokenVariable },
      },
    );
  }
}

function assertSafeName(kind: string, value: string): void {
  if (value === "" || value.startsWith("-") || /[\s:~^?*[\\]|\.\.|@\{/.test(value)) {
    throw new ForgeError(`cannot push ${kind} "${value}": not a valid git ${kind} name`, {
      code: "push_rejected",
      details: { [kind]: value },
    });
  }
}

/** The argv after `git` for a force-with-lease push of `commit` to `refs/heads/<branch>`. */
export function pushArguments(url: string, request: Omit<PushRequest, "signal" | "mirrorPath">): string[] {
  assertSafeName("branch", request.branch);
  assertSafeName("commit", request.commit);
  const ref = `refs/heads/${request.branch}`;
  // An empty expected value means "the ref must not exist yet".
  const lease = `--force-with-lease=${ref}:${request.expectedRemoteSha ?? ""}`;
  return ["push", "--no-verify", lease, url, `${request.commit}:${ref}`];
}

/** Which ForgeError a failed push or ls-remote is, from git's stderr (LC_ALL=C). Pure. */
export function classifyGitFailure(remote: HttpsGitRemote, branch: string, stderr: string): ForgeError {
  const name = remote.forgeName;
  const details = { branch, url: remote.url, stderr: stderr.slice(0, 2000) };
  const remoteRejected = /\[remote rejected\][^\n]*\(([^)\n]*)\)/.exec(stderr);
  if (/\[rejected\][^\n]*\(stale info\)/.test(stderr) || /\[rejected\][^\n]*\(fetch first\)/.test(stderr)) {
    return new ForgeError(
      `${name} refused to move ${branch}: the branch there changed since Slipway last pushed it (someone else's commit); nothing was overwritten and the run's work stays on its branch in the mirror`,
      { code: "push_rejected", details },
    );
  }
  if (remoteRejected) {
    return new ForgeError(
      `${name} rejected the push of ${branch} (${remoteRejected[1]}): a protected branch or push rule refuses it; choose another branch name or change the rule`,
      { code: "push_rejected", details },
    );
  }
  if (/could not read Username|Authentication failed|returned error: 401/i.test(stderr)) {
    return new ForgeError(
      `${name} rejected the token for ${remote.url}: set ${remote.tokenVariable} to a valid token`,
      { code: "forge_unauthorized", details },
    );
  }
  if (/returned error: 403|permission to .* denied|denied to/i.test(stderr)) {
    return new ForgeError(
      `${name} refused the push to ${remote.url}: the token in ${remote.tokenVariable} lacks push rights (${remote.pushRightsHint})`,
      { code: "forge_forbidden", details },
    );
  }
  if (/returned error: 404|repository not found|not found/i.test(stderr)) {
    return new ForgeError(
      `${name} has no repository at ${remote.url}, or the token in ${remote.tokenVariable} cannot see it: check the forge's owner and repository settings`,
      { details },
    );
  }
  return new ForgeError(`git could not talk to ${name} at ${remote.url}: ${firstErrorLine(stderr)}`, {
    details,
  });
}

function gitFailure(remote: HttpsGitRemote, branch: string, error: unknown): unknown {
  if (!(error instanceof GitCommandError)) return error;
  if (error.exitCode === null && error.stderr === "") {
    // Timed out, cancelled or git missing: the message already says which.
    return new ForgeError(`${remote.forgeName}: ${error.message}`, { cause: error, details: { branch } });
  }
  return classifyGitFailure(remote, branch, error.stderr);
}

/** Push `request.commit` from the mirror to `request.branch` on the remote, with the lease. */
export async function pushOverHttps(remote: HttpsGitRemote, request: PushRequest): Promise<void> {
  try {
    await runGit(pushArguments(remote.url, request), {
      gitDir: request.mirrorPath,
      env: authEnvironment(remote),
      config: transportConfig,
      timeoutMs: pushTimeoutMs,
      signal: request.signal,
    });
  } catch (error) {
    throw gitFailure(remote, request.branch, error);
  }
}

/** The sha `refs/heads/<branch>` has on the remote, or null when the branch does not exist. */
export async function remoteHeadOverHttps(
  remote: HttpsGitRemote,
  branch: string,
  signal: AbortSignal,
): Promise<string | null> {
  assertSafeName("branch", branch);
  const ref = `refs/heads/${branch}`;
  let stdout: string;
  try {
    ({ stdout } = await runGit(["ls-remote", "--refs", remote.url, ref], {
      // Outside any repository, so no repository's config applies to this call.
      cwd: "/",
      env: authEnvironment(remote),
      config: transportConfig,
      timeoutMs: lsRemoteTimeoutMs,
      signal,
    }));
  } catch (error) {
    throw gitFailure(remote, branch, error);
  }
  // ls-remote matches patterns by their tail: keep only the exact ref.
  for (const line of stdout.split("\n")) {
    const [sha, name] = line.split("\t");
    if (name === ref && sha !== undefined && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return null;
}
