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

/** Query parameters whose values are credentials in the URLs people paste (tokens, signatures, keys). */
const secretParameter = /(?:token|secret|passw(?:or)?d|pwd|key|auth|sig(?:nature)?|credential|session)/i;
const redacted = "***";

/**
 * `url` with its credentials replaced by `***`: the userinfo of an http(s) URL (a token is often
 * the user name alone), the password of any other URL, and the values of query parameters named
 * like a credential. Anything that is not a URL with a scheme comes back unchanged.
 */
export function redactUrl(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Unparseable (a bad port, say) yet it may still carry a token: cut any userinfo by shape.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i, `$1${redacted}@`);
  }
  let changed = false;
  const web = parsed.protocol === "https:" || parsed.protocol === "http:";
  if (parsed.password || (web && parsed.username)) {
    // The user name of ssh://git@host stays: it is an account, not a secret.
    parsed.username = web ? redacted : parsed.username;
    parsed.password = web ? "" : redacted;
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (!secretParameter.test(name)) continue;
    parsed.searchParams.set(name, redacted);
    changed = true;
  }
  // Untouched URLs come back byte for byte: URL's serialisation would normalise them.
  return changed ? parsed.href.replaceAll("%2A%2A%2A", redacted) : url;
}

/** Every URL with a scheme inside `text` (an error message, git's stderr, a log line), redacted. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (url) => redactUrl(url));
}
