// The address policy and the target decision: every refused class of address is refused, in
// IPv4, in IPv6 and inside IPv6; only public addresses pass (documentation and benchmarking ranges do not); a name resolving to any
// refused address is refused, resolved through a table (a real function, no mock).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { embeddedIPv4, exemptRanges, ipv6Bytes, refusedAddressReason } from "./address-policy.ts";
import { decideTarget, type HostResolver, type TargetPolicy } from "./egress-decision.ts";
import { parseAllowlist } from "./host-allowlist.ts";

const noOwnAddresses: string[] = [];

describe("egress address policy", () => {
  const refused: [string, RegExp][] = [
    ["127.0.0.1", /loopback/],
    ["127.255.0.9", /loopback/],
    ["::1", /loopback/],
    ["0.0.0.0", /unspecified/],
    ["::", /unspecified/],
    ["10.0.0.1", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["100.100.100.200", /carrier-grade NAT/],
    ["169.254.169.254", /link-local/],
    ["fe80::1", /link-local/],
    ["fe80::1%eth0", /link-local/],
    ["fd00:ec2::254", /unique-local/],
    ["fc00::1", /unique-local/],
    ["224.0.0.1", /multicast/],
    ["ff02::1", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["240.0.0.1", /reserved/],
    ["0.1.2.3", /unspecified/],
    ["239.255.255.250", /multicast/],
    ["192.0.2.1", /documentation/],
    ["198.51.100.2", /documentation/],
    ["203.0.113.9", /documentation/],
    ["2001:db8::1", /documentation/],
    ["2001:db8:ffff:ffff::1", /documentation/],
    ["3fff::1", /documentation/],
    ["198.18.0.1", /benchmarking/],
    ["198.19.255.254", /benchmarking/],
    ["2001:2::1", /benchmarking/],
    ["2001:20::1", /reserved/],
    ["::ffff:203.0.113.9", /documentation address \(inside an IPv6 address\)/],
    ["::ffff:198.18.0.1", /benchmarking address \(inside/],
    ["::ffff:0:127.0.0.1", /loopback address \(inside/],
    ["64:ff9b::c000:201", /documentation address \(inside/],
    ["64:ff9b::10.0.0.1", /private address \(RFC 1918\) \(inside/],
    ["64:ff9b::ffff:ffff", /broadcast address \(inside/],
    ["2002:cb00:7101::1", /documentation/],
    ["168.63.129.16", /metadata/],
    ["::ffff:127.0.0.1", /loopback address \(inside an IPv6 address\)/],
    ["::ffff:7f00:1", /loopback/],
    ["::ffff:10.1.2.3", /private/],
    ["::127.0.0.1", /loopback/],
    ["64:ff9b::a9fe:a9fe", /link-local/],
    ["2002:c0a8:0101::1", /private/],
  ];
  for (const [address, reason] of refused) {
    test(`refuses ${address}`, () => {
      assert.match(refusedAddressReason(address, noOwnAddresses) ?? "allowed", reason);
    });
  }

  test("passes public addresses, and mapped, NAT64 and 6to4 forms of public ones", () => {
    for (const address of [
      "93.184.215.14",
      "172.32.0.1",
      "198.17.255.255",
      "198.20.0.1",
      "203.0.114.1",
      "2606:4700::6810:84e5",
      "2001:db9::1",
      "::ffff:93.184.215.14",
      "64:ff9b::5db8:d70e",
      "2002:5db8:d70e::1",
    ]) {
      assert.equal(refusedAddressReason(address, noOwnAddresses), undefined, address);
    }
  });

  test("refuses this host's own addresses, however an IPv6 one is written", () => {
    assert.match(refusedAddressReason("93.184.215.14", ["93.184.215.14"]) ?? "", /this host's own/);
    assert.match(refusedAddressReason("2606:4700:0::1", ["2606:4700::1"]) ?? "", /this host's own/);
  });

  test("parses IPv6 with :: and a dotted tail", () => {
    assert.deepEqual(
      Array.from(ipv6Bytes("::ffff:1.2.3.4") ?? []),
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4],
    );
    assert.equal(embeddedIPv4("2002:0102:0304::"), "1.2.3.4");
    assert.equal(embeddedIPv4("::1"), undefined);
    assert.equal(ipv6Bytes("1.2.3.4"), undefined);
  });
});

describe("egress address exemptions (sandbox.egressAllowAddresses)", () => {
  const own = ["192.0.2.7"];
  const exempt = exemptRanges(["10.20.0.0/16", "203.0.113.80/32", "127.0.0.0/8", "192.0.2.0/24", "fd00::/8"]);

  test("a named range lifts the refusal of private and documentation addresses, and only that range", () => {
    assert.equal(refusedAddressReason("10.20.3.4", own, exempt), undefined);
    assert.equal(refusedAddressReason("203.0.113.80", own, exempt), undefined);
    assert.equal(refusedAddressReason("fd00::5", own, exempt), undefined);
    assert.equal(refusedAddressReason("::ffff:10.20.3.4", own, exempt), undefined);
    assert.match(refusedAddressReason("10.21.0.1", own, exempt) ?? "", /private address/);
    assert.match(refusedAddressReason("203.0.113.81", own, exempt) ?? "", /documentation address/);
  });

  test("loopback, unspecified and this host's own addresses stay refused whatever is named", () => {
    assert.match(refusedAddressReason("127.0.0.1", own, exempt) ?? "", /loopback/);
    assert.match(refusedAddressReason("192.0.2.7", own, exempt) ?? "", /this host's own/);
  });

  test("a malformed range is refused with the entry named", () => {
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "nonsense/8", "10.0.0.0/8/1", "::/129"]) {
      assert.throws(
        () => exemptRanges([bad]),
        new RegExp(`"${bad.replace(/[./:]/g, "\\$&")}" is not an address range`),
      );
    }
  });
});

describe("egress target decision", () => {
  const table: Record<string, string[]> = {
    "allowed.test": ["93.184.215.14"],
    "loopback.test": ["127.0.0.1"],
    "mixed.test": ["93.184.215.14", "10.0.0.5"],
    "documentation.test": ["93.184.215.14", "2001:db8::7"],
    "own.test": ["151.101.0.1"],
    "empty.test": [],
  };
  const resolve: HostResolver = async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`no such host ${host}`), { code: "ENOTFOUND" });
    return addresses;
  };
  const policy: TargetPolicy = {
    allowlist: parseAllowlist([...Object.keys(table), "missing.test"]),
    resolve,
    resolveTimeoutMs: 1_000,
    ownAddresses: () => ["151.101.0.1"],
  };

  test("allows a listed name whose every address is acceptable, and says which address to dial", async () => {
    assert.deepEqual(await decideTarget("Allowed.Test", policy), {
      allowed: true,
      address: "93.184.215.14",
      reason: "on the allowlist",
    });
  });

  test("refuses a name not on the list without resolving it", async () => {
    let asked = 0;
    const counting: TargetPolicy = {
      ...policy,
      resolve: async (host, signal) => {
        asked++;
        return resolve(host, signal);
      },
    };
    const verdict = await decideTarget("other.test", counting);
    assert.deepEqual(verdict, { allowed: false, status: 403, reason: "not on the allowlist" });
    assert.equal(asked, 0);
  });

  test("refuses IP literals, even the address of an allowed name", async () => {
    for (const host of ["93.184.215.14", "[::1]", "0x7f.1"]) {
      const verdict = await decideTarget(host, policy);
      assert.equal(verdict.allowed, false, host);
      assert.match(verdict.reason, /IP addresses are refused/);
    }
  });

  test("refuses a listed name that resolves to loopback, to this host, or to any private or documentation address", async () => {
    assert.match((await decideTarget("loopback.test", policy)).reason, /127\.0\.0\.1, a loopback address/);
    assert.match((await decideTarget("own.test", policy)).reason, /this host's own/);
    assert.match((await decideTarget("mixed.test", policy)).reason, /10\.0\.0\.5, a private address/);
    assert.match(
      (await decideTarget("documentation.test", policy)).reason,
      /2001:db8::7, a documentation address/,
    );
  });

  test("a name that does not resolve, or to nothing, is a 502 with the cause", async () => {
    assert.deepEqual(await decideTarget("missing.test", policy), {
      allowed: false,
      status: 502,
      reason: "could not resolve missing.test (ENOTFOUND)",
    });
    assert.equal((await decideTarget("empty.test", policy)).allowed, false);
  });

  test("a lookup slower than the resolve timeout is refused, not waited for", async () => {
    const slow: TargetPolicy = {
      ...policy,
      resolveTimeoutMs: 50,
      resolve: (_host, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    };
    const verdict = await decideTarget("allowed.test", slow);
    assert.equal(verdict.allowed, false);
    assert.match(verdict.reason, /could not resolve allowed\.test/);
  });
});
