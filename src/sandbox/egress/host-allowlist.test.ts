// The allowlist: exact names and wildcards match as documented; anything that is not a host name
// is refused when the list is built, with the entry named.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { normalizeHost, parseAllowlist } from "./host-allowlist.ts";

describe("egress allowlist", () => {
  test("an exact entry matches its name in any case and with a trailing dot, and nothing else", () => {
    const list = parseAllowlist(["registry.npmjs.org"]);
    assert.equal(list.allows("registry.npmjs.org"), true);
    assert.equal(list.allows("REGISTRY.npmjs.ORG"), true);
    assert.equal(list.allows("registry.npmjs.org."), true);
    assert.equal(list.allows("npmjs.org"), false);
    assert.equal(list.allows("evil.registry.npmjs.org"), false);
    assert.equal(list.allows("registry.npmjs.org.evil.test"), false);
    assert.equal(list.allows("xregistry.npmjs.org"), false);
  });

  test("a wildcard matches names below its domain at any depth, never the domain itself", () => {
    const list = parseAllowlist(["*.githubusercontent.com"]);
    assert.equal(list.allows("objects.githubusercontent.com"), true);
    assert.equal(list.allows("a.b.githubusercontent.com"), true);
    assert.equal(list.allows("githubusercontent.com"), false);
    assert.equal(list.allows("evilgithubusercontent.com"), false);
  });

  test("an empty list allows nothing", () => {
    assert.equal(parseAllowlist([]).allows("example.com"), false);
  });

  test("IP addresses never match, however they are written", () => {
    const list = parseAllowlist(["example.com"]);
    for (const host of ["127.0.0.1", "[::1]", "0x7f.1", "2130706433", "::ffff:127.0.0.1"]) {
      assert.equal(list.allows(host), false, host);
    }
  });

  test("international names are compared in punycode", () => {
    const list = parseAllowlist(["bücher.example"]);
    assert.deepEqual(list.entries, ["xn--bcher-kva.example"]);
    assert.equal(list.allows("xn--bcher-kva.example"), true);
    assert.equal(list.allows("BÜCHER.example"), true);
  });

  test("entries that are not host names are refused, naming the entry", () => {
    for (const entry of [
      "127.0.0.1",
      "[::1]",
      "0x7f.1",
      "2130706433",
      "example.com:443",
      "https://example.com",
      "user@example.com",
      "*",
      "*.",
      "*.com",
      "ex*ample.com",
      "foo.*.example.com",
      "-bad.example.com",
      "under_score.example.com",
      "",
      `${"a".repeat(64)}.example.com`,
    ]) {
      assert.throws(
        () => parseAllowlist([entry]),
        (error: unknown) => {
          assert.ok(error instanceof Error && "code" in error, entry);
          assert.equal(error.code, "input_invalid", entry);
          assert.ok(error.message.includes(`"${entry}"`), error.message);
          return true;
        },
      );
    }
  });

  test("normalizeHost lower-cases, strips the trailing dot and brackets, and rejects junk", () => {
    assert.equal(normalizeHost("Example.COM."), "example.com");
    assert.equal(normalizeHost("[::1]"), "::1");
    assert.equal(normalizeHost("0x7f.1"), "127.0.0.1");
    assert.equal(normalizeHost("a b"), undefined);
    assert.equal(normalizeHost("a/b"), undefined);
  });
});
