// The egress allowlist: which host names a sandbox may reach. Entries are exact host names or
// `*.example.com` (any name below example.com, not example.com itself); matching ignores case and
// a trailing dot. IP addresses are never entries: a policy names hosts, the proxy resolves them.
import { isIP } from "node:net";
import { InputError } from "../../core/errors.ts";

/** One label of a host name: letters, digits and inner hyphens, at most 63 characters. */
const labelPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const maxHostLength = 253;

/**
 * `host` in the form the allowlist compares: lower case, IDN labels in punycode (as a URL parser
 * writes them), no trailing dot, no brackets around an IPv6 literal. Undefined when it is not a host.
 */
export function normalizeHost(host: string): string | undefined {
  const bare = host.trim().replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare)) return bare.toLowerCase();
  if (!bare || /[\s/?#@:[\]\\%]/.test(bare)) return undefined;
  try {
    return new URL(`http://${bare}`).hostname.replace(/\.$/, "");
  } catch {
    return undefined;
  }
}

/** Why `name` (normalized) is not a host name the allowlist can hold, or undefined when it is. */
function hostNameProblem(name: string): string | undefined {
  if (isIP(name)) return "IP addresses cannot be allowed, only host names";
  if (name.length > maxHostLength) return `it is longer than ${maxHostLength} characters`;
  const labels = name.split(".");
  if (!labels.every((label) => labelPattern.test(label))) return "it is not a valid host name";
  // An all-numeric last label reads as an IPv4 address to resolvers ("2130706433" is 127.0.0.1).
  if (/^[0-9]+$/.test(labels.at(-1) ?? ""))
    return "its last label is numeric, which resolvers read as an address";
  return undefined;
}

/** A parsed allowlist; build it with `parseAllowlist`. */
export interface HostAllowlist {
  /** The entries as normalized (for logs and errors). */
  readonly entries: readonly string[];
  /** True when `host` (as the client asked for it) is on the list. */
  allows(host: string): boolean;
}

/**
 * Parse `entries` (e.g. `registry.npmjs.org`, `*.githubusercontent.com`); throws InputError naming
 * the first entry that is not a host name or wildcard, with what is wrong.
 */
export function parseAllowlist(entries: readonly string[]): HostAllowlist {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const normalized: string[] = [];
  for (const entry of entries) {
    const wildcard = entry.trim().startsWith("*.");
    const name = normalizeHost(wildcard ? entry.trim().slice(2) : entry);
    const problem =
      name === undefined
        ? "it is not a valid host name"
        : wildcard && !name.includes(".")
          ? "a wildcard must name a domain of two labels or more (*.com would allow every .com host)"
          : hostNameProblem(name);
    if (name === undefined || problem) {
      throw new InputError(
        `allowed host "${entry}" cannot be used: ${problem}; give a host name such as registry.npmjs.org or a wildcard such as *.example.com`,
        { details: { allowHost: entry } },
      );
    }
    if (wildcard) suffixes.push(`.${name}`);
    else exact.add(name);
    normalized.push(wildcard ? `*.${name}` : name);
  }
  return {
    entries: normalized,
    allows(host: string): boolean {
      const name = normalizeHost(host);
      if (name === undefined || isIP(name)) return false;
      return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
    },
  };
}
