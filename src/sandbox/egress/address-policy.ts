// Which resolved addresses the egress proxy refuses to dial, whatever name led to them: anything
// that reaches the platform's own machine or a private network (loopback, RFC 1918, CGNAT,
// link-local, unique-local, unspecified, multicast, broadcast, documentation, benchmarking,
// reserved, cloud metadata, this host's own addresses). IPv4 carried inside IPv6 (mapped, translated, compatible, NAT64, 6to4) is judged as IPv4.
import { BlockList, isIP, isIPv4 } from "node:net";
import { networkInterfaces } from "node:os";

type Family = "ipv4" | "ipv6";

/** Refused ranges, grouped by the reason a refusal gives. */
const refusedRanges: readonly (readonly [reason: string, family: Family, cidrs: readonly string[]])[] = [
  ["a loopback address", "ipv4", ["127.0.0.0/8"]],
  ["a loopback address", "ipv6", ["::1/128"]],
  ["an unspecified address", "ipv4", ["0.0.0.0/8"]],
  ["an unspecified address", "ipv6", ["::/128"]],
  ["a private address (RFC 1918)", "ipv4", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]],
  ["a shared carrier-grade NAT address", "ipv4", ["100.64.0.0/10"]],
  ["a link-local address", "ipv4", ["169.254.0.0/16"]],
  ["a link-local address", "ipv6", ["fe80::/10"]],
  ["a unique-local or site-local address", "ipv6", ["fc00::/7", "fec0::/10"]],
  ["a multicast address", "ipv4", ["224.0.0.0/4"]],
  ["a multicast address", "ipv6", ["ff00::/8"]],
  ["the broadcast address", "ipv4", ["255.255.255.255/32"]],
  // Documentation ranges (RFC 5737, 3849, 9637) are never on the internet: a name resolving to
  // one points at someone's lab or a private network that reuses them.
  ["a documentation address", "ipv4", ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]],
  ["a documentation address", "ipv6", ["2001:db8::/32", "3fff::/20"]],
  // Benchmarking (RFC 2544, 5180): used for fake-IP DNS and lab networks.
  ["a benchmarking address", "ipv4", ["198.18.0.0/15"]],
  ["a benchmarking address", "ipv6", ["2001:2::/48"]],
  ["a reserved address", "ipv4", ["240.0.0.0/4", "192.0.0.0/24"]],
  // Discard-only, local-use NAT64, Teredo (carries an obfuscated IPv4), ORCHID, SRv6 SIDs.
  [
    "a reserved address",
    "ipv6",
    ["100::/64", "64:ff9b:1::/48", "2001::/32", "2001:10::/28", "2001:20::/28", "5f00::/16"],
  ],
  // Outside link-local space; the others (AWS, GCP, Alibaba…) fall in the ranges above.
  ["a cloud metadata address", "ipv4", ["168.63.129.16/32"]],
];

const refusedLists: readonly { reason: string; list: BlockList }[] = [
  ...new Set(refusedRanges.map(([reason]) => reason)),
].map((reason) => {
  const list = new BlockList();
  for (const [rangeReason, family, cidrs] of refusedRanges) {
    if (rangeReason !== reason) continue;
    for (const cidr of cidrs) {
      const [network = "", prefix = ""] = cidr.split("/");
      list.addSubnet(network, Number(prefix), family);
    }
  }
  return { reason, list };
});

/** The 16 bytes of an IPv6 address (a zone id is ignored), or undefined when it is not one. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  const bare = address.replace(/%.*$/, "");
  if (isIP(bare) !== 6) return undefined;
  let text = bare;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split(".").map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill("0");
  const groups = [...headGroups, ...zeros, ...tailGroups];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((value, index) => bytes[index] === value);
}

function dottedQuad(bytes: Uint8Array, offset: number): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join(".");
}

/** The IPv4 address an IPv6 address carries (mapped, translated, compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  if (!bytes) return undefined;
  const zeros = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  if (startsWith(bytes, [...zeros, 0xff, 0xff])) return dottedQuad(bytes, 12);
  // ::ffff:0:0/96, IPv4-translated (RFC 2765): as good as mapped to a translator.
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0])) return dottedQuad(bytes, 12);
  // ::/96, IPv4-compatible; :: and ::1 themselves are judged as IPv6.
  const last = bytes[15] ?? 0;
  const isUnspecifiedOrLoopback = startsWith(bytes, [...zeros, 0, 0, 0, 0, 0]) && last <= 1;
  if (startsWith(bytes, [...zeros, 0, 0]) && !isUnspecifiedOrLoopback) return dottedQuad(bytes, 12);
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return dottedQuad(bytes, 12);
  if (startsWith(bytes, [0x20, 0x02])) return dottedQuad(bytes, 2);
  return undefined;
}

/** Unicast addresses of this host's interfaces now: a service bound to 0.0.0.0 answers on each. */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) =>
    (entries ?? []).map((entry) => entry.address.replace(/%.*$/, "")),
  );
}

function sameAddress(first: string, second: string): boolean {
  if (isIPv4(first) || isIPv4(second)) return first === second;
  const [a, b] = [ipv6Bytes(first), ipv6Bytes(second)];
  return a !== undefined && b !== undefined && a.every((byte, index) => byte === b[index]);
}

/** Reasons no exemption lifts: these reach the platform's own machine. */
const neverExempt = new Set(["a loopback address", "an unspecified address"]);

/**
 * Address ranges (CIDR) that allowed hosts may resolve to although the policy refuses them — a
 * package registry or mirror on a private network. Throws an Error naming a malformed entry.
 */
export function exemptRanges(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = "", prefix = "", extra] = cidr.split("/");
    const family = isIP(network);
    const bits = Number(prefix);
    const maxBits = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || !/^\d+$/.test(prefix) || bits > maxBits) {
      throw new Error(`"${cidr}" is not an address range; write it as address/prefix, e.g. 10.20.0.0/16`);
    }
    list.addSubnet(network, bits, family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

/**
 * Why the proxy must not dial `address` (an IP literal), or undefined when it may. `ownAddresses`
 * are this host's interface addresses (default: read now). `exempt` lifts refusals for ranges the
 * operator named, except loopback, unspecified and this host's own addresses.
 */
export function refusedAddressReason(
  address: string,
  ownAddresses: readonly string[] = hostAddresses(),
  exempt?: BlockList,
): string | undefined {
  const bare = address.replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 0) return "not an IP address";
  const inner = family === 6 ? embeddedIPv4(bare) : undefined;
  if (inner) {
    const reason = refusedAddressReason(inner, ownAddresses, exempt);
    return reason ? `${reason} (inside an IPv6 address)` : undefined;
  }
  const type: Family = family === 4 ? "ipv4" : "ipv6";
  const refused = refusedLists.find(({ list }) => list.check(bare, type));
  const exempted = refused && exempt?.check(bare, type) && !neverExempt.has(refused.reason);
  if (refused && !exempted) return refused.reason;
  if (ownAddresses.some((own) => sameAddress(own, bare))) return "one of this host's own addresses";
  return undefined;
}
