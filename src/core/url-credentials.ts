// Credentials a URL may carry (https://user:token@host/..., ?access_token=...) replaced by `***`
// before the URL reaches a message, a log or a trace: SlipwayError applies it to every message
// and detail, and the forges to what they print.

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

/** `details` with every string value (one level deep: where URLs and git's stderr sit) redacted. */
export function redactUrlsInDetails(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [
      key,
      typeof value === "string" ? redactUrlsIn(value) : value,
    ]),
  );
}
