// Reads the owner and repository (or GitLab's group/project path) out of a repository URL, in the
// forms people clone with: https://host/owner/repo(.git), git@host:owner/repo.git, ssh://git@host/owner/repo;
// and redacts the credentials a URL may carry before it reaches a message, a log or a trace.

export interface RepositoryPath {
  host: string;
  /** Everything after the host, without `.git`: `owner/repo`, or `group/subgroup/project`. */
  path: string;
}

/** The host and path of `url`, or undefined when it is not a URL of a hosted repository. */
export function parseRepositoryUrl(url: string): RepositoryPath | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(url);
  if (scp) return { host: scp[1]!, path: scp[2]! };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!["https:", "http:", "ssh:", "git:"].includes(parsed.protocol)) return undefined;
  const path = parsed.pathname
    .replace(/^\/+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  return path.includes("/") ? { host: parsed.hostname, path } : undefined;
}

// The redaction lives in core, where every SlipwayError applies it to its message and details.
export { redactUrl, redactUrlsIn } from "../core/url-credentials.ts";
