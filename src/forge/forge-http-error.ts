// Turns a hosted forge's HTTP failure (status, message, request) into a ForgeError whose one-line
// message says what went wrong and what to change. Shared by the GitHub and GitLab clients.
import { ForgeError } from "../core/errors.ts";

export interface ForgeHttpFailure {
  /** "GitHub" or "GitLab", as the user knows it. */
  forgeName: string;
  /** The HTTP status, or undefined when no answer came back (network, timeout). */
  status: number | undefined;
  /** The forge's own message, or the network error's. */
  message: string;
  /** What Slipway asked, e.g. `POST /repos/acme/api/pulls`. */
  request: string;
  /** The setting that holds the token, e.g. `GITHUB_TOKEN`, named in auth errors. */
  tokenVariable: string;
  /** The rights Slipway needs, named when the token lacks them. */
  rightsHint: string;
  details?: Record<string, unknown>;
}

const maxMessageLength = 300;

/** A forge message reduced to one line of bounded length. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > maxMessageLength ? `${line.slice(0, maxMessageLength - 1)}…` : line;
}

/** The ForgeError for one failed forge call. */
export function forgeHttpError(failure: ForgeHttpFailure, cause?: unknown): ForgeError {
  const { forgeName, status, request, tokenVariable, rightsHint } = failure;
  const message = oneLine(failure.message) || "no message";
  const details = { ...failure.details, status, request, forgeMessage: message };
  if (status === undefined) {
    return new ForgeError(`could not reach ${forgeName} for ${request}: ${message}`, { details, cause });
  }
  if (status === 401) {
    return new ForgeError(
      `${forgeName} rejected the token (401 ${message}) on ${request}: set ${tokenVariable} to a valid token`,
      { code: "forge_unauthorized", details, cause },
    );
  }
  if (status === 403) {
    return new ForgeError(
      `${forgeName} refused ${request} (403 ${message}): the token in ${tokenVariable} lacks the rights for it (${rightsHint})`,
      { code: "forge_forbidden", details, cause },
    );
  }
  if (status === 404) {
    return new ForgeError(
      `${forgeName} found nothing at ${request} (404 ${message}): check the repository's owner and name, and that the token in ${tokenVariable} can see it`,
      { details, cause },
    );
  }
  if (status >= 500) {
    return new ForgeError(`${forgeName} failed ${request} (${status} ${message}): try again later`, {
      details,
      cause,
    });
  }
  return new ForgeError(`${forgeName} refused ${request} (${status} ${message})`, { details, cause });
}
