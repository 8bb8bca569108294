// Reads the revisions the agent's git tool is given into named commits (endpoints) and their shape,
// so the tool can resolve each endpoint, check it lies in the run's own history, and pass git the
// commit ids instead of names. Pure: parsing only. Reflogs, stashes, `refs/…`, message searches
// (`:/`) and the index (`:path`) are refused here; anything else that names a commit outside the
// run's history is refused once resolved.

/** A commit name and its navigation: `main`, `HEAD~2`, `v1.0^2`, a sha. */
const endpointPattern = /^(?<name>@|[A-Za-z0-9_][A-Za-z0-9._/-]{0,199})(?<navigation>(?:[~^]\d{0,4}){0,20})$/;

export interface RevisionShape {
  /** `^` to exclude the endpoint's history (`^main`). */
  prefix: "" | "^";
  /** One endpoint, or the two sides of a range; an empty side of a range means HEAD. */
  endpoints: string[];
  operator: "" | ".." | "...";
  /** `^!`, `^@`, `^-`, `^-2` after a single endpoint. */
  suffix: string;
  /** `:path` after a single endpoint: a file of that commit. */
  path: string;
}

export type ParsedRevision = { ok: true; revision: RevisionShape } | { ok: false; reason: string };

function refuse(word: string, why: string): ParsedRevision {
  return {
    ok: false,
    reason: `"${word}": ${why}; name commits of this run's history (HEAD, HEAD~2, a sha, a tag)`,
  };
}

function checkEndpoint(word: string, endpoint: string): ParsedRevision | undefined {
  const match = endpointPattern.exec(endpoint);
  const name = match?.groups?.name ?? "";
  if (/@\{|^stash$/.test(endpoint)) return refuse(word, "reflogs and stashes are not readable here");
  if (!match) return refuse(word, "not a revision this tool reads");
  if (name.startsWith("refs/")) return refuse(word, "refs/… names are not readable here");
  return undefined;
}

/** Split `word` into its parts, or say why the tool does not read it. */
export function parseRevision(word: string): ParsedRevision {
  const colon = word.indexOf(":");
  const spec = colon === -1 ? word : word.slice(0, colon);
  const pathPart = colon === -1 ? "" : word.slice(colon);
  if (colon === 0)
    return refuse(word, "the index (:path) and message searches (:/text) are not readable here");
  const prefix = spec.startsWith("^") ? "^" : "";
  let body = spec.slice(prefix.length);
  const suffix = /\^(?:!|@|-\d{0,4})$/.exec(body)?.[0] ?? "";
  body = body.slice(0, body.length - suffix.length);
  const operator = body.includes("...") ? "..." : body.includes("..") ? ".." : "";
  const endpoints = operator === "" ? [body] : body.split(operator);
  if (endpoints.length > 2) return refuse(word, "a range has two ends");
  const combined = [prefix, suffix, pathPart, operator].filter((part) => part !== "").length;
  if (combined > 1) return refuse(word, "combine ^, .., ^!, and :path one at a time");
  if (operator === "" && body === "") return refuse(word, "no commit named");
  for (const endpoint of endpoints) {
    if (endpoint === "" && operator !== "") continue;
    const refused = checkEndpoint(word, endpoint);
    if (refused) return refused;
  }
  return { ok: true, revision: { prefix, endpoints, operator, suffix, path: pathPart } };
}

/** The endpoints of `revision` that name a commit (an empty side of a range is HEAD, already allowed). */
export function namedEndpoints(revision: RevisionShape): string[] {
  return revision.endpoints.filter((endpoint) => endpoint !== "");
}

/** `revision` with every endpoint replaced by the commit id it resolved to. */
export function formatRevision(revision: RevisionShape, commits: ReadonlyMap<string, string>): string {
  const endpoints = revision.endpoints.map((endpoint) =>
    endpoint === "" ? "" : (commits.get(endpoint) ?? endpoint),
  );
  return `${revision.prefix}${endpoints.join(revision.operator)}${revision.suffix}${revision.path}`;
}

/** True when a `--format`/`--pretty` value asks git to verify signatures (`%G?`, `%GS` …): gpg would run. */
export function formatVerifiesSignatures(format: string): boolean {
  // `%%` is a literal percent sign, so only a `%G` after an even run of `%` is a placeholder.
  return /(?:^|[^%])(?:%%)*%G/.test(format);
}
