// Why a failed setup could not download: the egress proxy's refusal reaches the package manager only
// as "403 Forbidden", while the proxy knows the host, the address and the rule. This names the
// refusal first, with the setting that would allow it, ahead of the install's own error line.
import type { EgressDecision } from "../sandbox/egress/egress-decision.ts";

/** Refused hosts named in a cause line; the rest are counted. */
const namedHosts = 2;
/** A host name as the sandbox spelled it is cut to this (it is the sandbox's text, not ours). */
const maxHostChars = 80;

/** Address refusals no setting lifts (address-policy.ts's neverExempt, and the host's own addresses). */
const neverAllowed = ["a loopback address", "an unspecified address", "one of this host's own addresses"];

/** `text` without control characters and cut short: a refused host name is the sandbox's choice. */
function printable(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are removed on purpose
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/**
 * Address refusals whose address no registry is served from: link-local holds the cloud metadata
 * services (169.254.169.254, the machine's credentials), like Azure's own address. The host name is
 * the repository's choice (its .slipway.yml may allow it), so no setting is advised for them.
 */
const neverARegistry = ["a link-local address", "a cloud metadata address", "a multicast address"];

/** What allows an address refusal (`what` is address-policy's reason), or why nothing does. */
function addressAdvice(address: string, what: string): string {
  if (neverAllowed.some((reason) => what.startsWith(reason))) return "no setting lets a sandbox reach it";
  if (neverARegistry.some((reason) => what.startsWith(reason)))
    return "no registry or mirror is served from there: do not allow it; check the host name and its DNS";
  // An IPv4 address inside an IPv6 one is checked as the IPv4 address: no example range for it.
  const example = what.includes("inside an IPv6 address")
    ? ""
    : ` (e.g. ${address}/${address.includes(":") ? 128 : 32})`;
  return `if that is your registry or mirror, allow its range with sandbox.egressAllowAddresses in slipway.yaml${example}`;
}

/** One refusal in words, with the setting that allows it (when one does). */
export function describeRefusal(decision: EgressDecision): string {
  const host = printable(decision.host, maxHostChars);
  const reason = printable(decision.reason, 200);
  const refused = `setup's egress proxy refused ${host}`;
  if (reason === "not on the allowlist") {
    return `${refused}: not on setup's allowlist (if you trust it, add it to setup.allowHosts in the repository's .slipway.yml, which is not reached while setup.secretEnv hands secrets over, or in slipway.yaml, where it replaces the registries' defaults)`;
  }
  const resolved = /^\S+ resolves to (\S+), (.+)$/.exec(reason);
  if (resolved) {
    const [, address = "", what = ""] = resolved;
    return `${refused}: it resolves to ${address}, ${what}; ${addressAdvice(address, what)}`;
  }
  return `${refused}: ${reason}`;
}

/** What clients print when a proxy refused them: its 403/502 status, or a refused tunnel. */
const refusedByProxy = /\b(403|502)\b|Forbidden|Bad Gateway|tunnel/i;

/** Whether the failed command's `output` shows a refusal: the proxy's status, or a refused host's name. */
function outputShowsRefusal(output: string, refusals: readonly EgressDecision[]): boolean {
  return refusedByProxy.test(output) || refusals.some((decision) => output.includes(decision.host));
}

/**
 * `cause` (the install's own error line) with what the egress proxy refused during the setup: the
 * first refused host described and the others named, leading when the failed command's `output`
 * shows a refusal (npm's "403 Forbidden"), else after the cause (a refused side request, such as a
 * version check, is then not called the reason); `cause` as it is when nothing was refused.
 */
export function withEgressRefusals(
  cause: string,
  refusals: readonly EgressDecision[],
  output: string,
): string {
  const [first] = refusals;
  if (!first) return cause;
  const others = [...new Set(refusals.map((decision) => printable(decision.host, maxHostChars)))].filter(
    (host) => host !== printable(first.host, maxHostChars),
  );
  const named = others.slice(0, namedHosts - 1);
  const more = others.length - named.length;
  const also =
    named.length === 0 ? "" : ` (also refused: ${named.join(", ")}${more > 0 ? ` and ${more} more` : ""})`;
  const refusal = `${describeRefusal(first)}${also}`;
  return outputShowsRefusal(output, refusals) ? `${refusal}; then ${cause}` : `${cause}; also, ${refusal}`;
}
