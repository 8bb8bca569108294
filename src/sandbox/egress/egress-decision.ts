// The egress proxy's one decision: may this request's target be dialled, and at which address?
// Host names only, on the allowlist, resolved here once, every address acceptable; the address
// that passed is the one dialled (no second lookup a DNS answer could change in between).
import { lookup } from "node:dns/promises";
import { type BlockList, isIP } from "node:net";
import { hostAddresses, refusedAddressReason } from "./address-policy.ts";
import { type HostAllowlist, normalizeHost } from "./host-allowlist.ts";

/** One decision, as the proxy reports it to its `onDecision` callback (for the run trace). */
export interface EgressDecision {
  verdict: "allowed" | "refused";
  /** The host name (or address) the sandboxed client asked for, normalized. */
  host: string;
  port: number;
  /** `CONNECT` for a tunnel (HTTPS), else the plain-HTTP method. */
  method: string;
  /** Why, in a few words: "on the allowlist", "not on the allowlist", "resolves to …". */
  reason: string;
  /** The address dialled, when allowed. */
  address?: string;
}

/** Resolves a host name to its IP addresses. The default asks the system resolver (`dns.lookup`). */
export type HostResolver = (host: string, signal: AbortSignal) => Promise<string[]>;

export type TargetVerdict =
  | { allowed: true; address: string; reason: string }
  | { allowed: false; status: 403 | 502; reason: string };

export interface TargetPolicy {
  allowlist: HostAllowlist;
  resolve: HostResolver;
  resolveTimeoutMs: number;
  /** This host's own addresses; default: read from the interfaces at each decision. */
  ownAddresses?: () => readonly string[];
  /** Ranges allowed hosts may resolve to although the address policy refuses them (see exemptRanges). */
  exempt?: BlockList;
}

/** The system resolver: every address of `host`, IPv4 and IPv6, in the resolver's order. */
export const systemResolver: HostResolver = async (host, signal) => {
  // dns.lookup takes no signal: race it, so no decision waits longer than the caller allows.
  const answer = lookup(host, { all: true, order: "verbatim" });
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  answer.catch(() => {
    // Lost the race to the signal: its failure, if any, is no longer anyone's concern.
  });
  const entries = await Promise.race([answer, aborted]);
  return entries.map((entry) => entry.address);
};

function failureText(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return error.code;
  return error instanceof Error ? error.message : String(error);
}

/** Decide whether `host` may be reached through the proxy, and at which address. */
export async function decideTarget(host: string, policy: TargetPolicy): Promise<TargetVerdict> {
  const name = normalizeHost(host);
  if (name === undefined) return { allowed: false, status: 403, reason: "not a valid host name" };
  if (isIP(name)) {
    return { allowed: false, status: 403, reason: "IP addresses are refused, only allowed host names" };
  }
  if (!policy.allowlist.allows(name)) return { allowed: false, status: 403, reason: "not on the allowlist" };
  let addresses: string[];
  try {
    addresses = await policy.resolve(name, AbortSignal.timeout(policy.resolveTimeoutMs));
  } catch (error) {
    return { allowed: false, status: 502, reason: `could not resolve ${name} (${failureText(error)})` };
  }
  if (addresses.length === 0) return { allowed: false, status: 502, reason: `${name} has no address` };
  const own = policy.ownAddresses?.() ?? hostAddresses();
  for (const address of addresses) {
    const refused = refusedAddressReason(address, own, policy.exempt);
    if (refused) return { allowed: false, status: 403, reason: `${name} resolves to ${address}, ${refused}` };
  }
  const [address = ""] = addresses;
  return { allowed: true, address, reason: "on the allowlist" };
}
