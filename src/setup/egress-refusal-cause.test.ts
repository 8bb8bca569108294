// The refusal a failed setup's cause line leads with: each kind of refusal names the setting that
// allows it (or says none does), and the install's own line follows.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EgressDecision } from "../sandbox/egress/egress-decision.ts";
import { describeRefusal, withEgressRefusals } from "./egress-refusal-cause.ts";

function refused(host: string, reason: string): EgressDecision {
  return { verdict: "refused", host, port: 443, method: "CONNECT", reason };
}

const npm403 = "npm ci --no-audit --no-fund failed (exit 1): npm error 403 Forbidden - GET https://x/y";

test("an address refusal names sandbox.egressAllowAddresses and the range, then the install's line", () => {
  const cause = withEgressRefusals(
    npm403,
    [refused("registry.npmjs.org", "registry.npmjs.org resolves to 203.0.113.80, a documentation address")],
    "npm error code E403\nnpm error 403 403 Forbidden - GET https://registry.npmjs.org/is-number",
  );
  assert.equal(
    cause,
    `setup's egress proxy refused registry.npmjs.org: it resolves to 203.0.113.80, a documentation address; if that is your registry or mirror, allow its range with sandbox.egressAllowAddresses in slipway.yaml (e.g. 203.0.113.80/32); then ${npm403}`,
  );
  assert.match(
    describeRefusal(
      refused("r.example.com", "r.example.com resolves to fd00::1, a unique-local or site-local address"),
    ),
    /e\.g\. fd00::1\/128/,
  );
});

test("a host off the allowlist names setup.allowHosts; addresses no setting lifts say so", () => {
  assert.match(
    describeRefusal(refused("evil.example.com", "not on the allowlist")),
    /^setup's egress proxy refused evil\.example\.com: not on setup's allowlist \(if you trust it, add it to setup\.allowHosts/,
  );
  for (const what of ["a loopback address", "one of this host's own addresses"]) {
    const line = describeRefusal(refused("r.example.com", `r.example.com resolves to 127.0.0.1, ${what}`));
    assert.match(line, /no setting lets a sandbox reach it$/);
    assert.equal(line.includes("egressAllowAddresses"), false);
  }
  assert.equal(
    describeRefusal(refused("10.0.0.1", "IP addresses are refused, only allowed host names")),
    "setup's egress proxy refused 10.0.0.1: IP addresses are refused, only allowed host names",
  );
});

test("other refused hosts are named once and counted; no refusal leaves the cause alone", () => {
  const refusals = [
    refused("a.example.com", "not on the allowlist"),
    refused("b.example.com", "not on the allowlist"),
    refused("a.example.com", "not on the allowlist"),
    refused("c.example.com", "not on the allowlist"),
  ];
  const cause = withEgressRefusals("x failed", refusals, "GET https://a.example.com/x failed");
  assert.match(
    cause,
    /refused a\.example\.com: .*\(also refused: b\.example\.com and 1 more\); then x failed$/,
  );
  assert.equal(withEgressRefusals("x failed", [], "403"), "x failed");
});

test("a refusal the failed output does not show follows the cause instead of leading it", () => {
  const pip =
    "pip install -r requirements.txt failed (exit 1): ERROR: Could not install packages due to an OSError: [Errno 2] No such file";
  const cause = withEgressRefusals(
    pip,
    [refused("pypi.org", "could not resolve pypi.org (ENOTFOUND)")],
    "Processing ./wheels/absent-1.0-py3-none-any.whl\nERROR: Could not install packages due to an OSError",
  );
  assert.equal(
    cause,
    `${pip}; also, setup's egress proxy refused pypi.org: could not resolve pypi.org (ENOTFOUND)`,
  );
});

test("a host name the sandbox chose cannot break the line or the terminal", () => {
  const line = describeRefusal(refused(`a\u001b[2J\nb${"x".repeat(200)}`, "not a valid host name"));
  assert.equal(
    [...line].some((char) => char.charCodeAt(0) < 0x20),
    false,
  );
  assert.ok(line.length < 200, line);
});
