// Tests for the git tool's revision reading: shapes it accepts, names it refuses, and signature formats.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatRevision, formatVerifiesSignatures, namedEndpoints, parseRevision } from "./git-revisions.ts";

function endpointsOf(word: string): string[] {
  const parsed = parseRevision(word);
  assert.ok(parsed.ok, `${word}: ${parsed.ok ? "" : parsed.reason}`);
  return namedEndpoints(parsed.revision);
}

describe("parseRevision", () => {
  test("reads names, navigation, ranges, exclusions, parent shorthands and rev:path", () => {
    assert.deepEqual(endpointsOf("HEAD~2"), ["HEAD~2"]);
    assert.deepEqual(endpointsOf("main..HEAD"), ["main", "HEAD"]);
    assert.deepEqual(endpointsOf("v1.0...feature/x^2"), ["v1.0", "feature/x^2"]);
    assert.deepEqual(endpointsOf("main.."), ["main"]);
    assert.deepEqual(endpointsOf("^abc123"), ["abc123"]);
    assert.deepEqual(endpointsOf("HEAD^!"), ["HEAD"]);
    assert.deepEqual(endpointsOf("HEAD~1:src/b.txt"), ["HEAD~1"]);
  });

  test("puts commit ids in place of the names and keeps the shape", () => {
    const ids = new Map([
      ["main", "a".repeat(40)],
      ["HEAD", "b".repeat(40)],
    ]);
    const format = (word: string): string => {
      const parsed = parseRevision(word);
      assert.ok(parsed.ok);
      return formatRevision(parsed.revision, ids);
    };
    assert.equal(format("main...HEAD"), `${"a".repeat(40)}...${"b".repeat(40)}`);
    assert.equal(format("^main"), `^${"a".repeat(40)}`);
    assert.equal(format("HEAD:a.txt"), `${"b".repeat(40)}:a.txt`);
    assert.equal(format("main.."), `${"a".repeat(40)}..`);
  });

  test("refuses reflogs, the stash, refs/ names, message searches and the index", () => {
    const refused = [
      "stash",
      "stash@{0}",
      "HEAD@{1}",
      "@{-1}",
      "main@{upstream}",
      "refs/stash",
      "refs/remotes/origin/private",
      ":/password",
      ":.env",
      ":0:.env",
      "HEAD^{/secret}",
      "main^{tree}",
      "^main..HEAD",
      "a..b..c",
    ];
    for (const word of refused) assert.equal(parseRevision(word).ok, false, word);
  });
});

describe("formatVerifiesSignatures", () => {
  test("finds %G placeholders, but not a literal %%G", () => {
    assert.equal(formatVerifiesSignatures("--format=%G?"), true);
    assert.equal(formatVerifiesSignatures("--pretty=format:%h %GS"), true);
    assert.equal(formatVerifiesSignatures("--format=%%%GK"), true);
    assert.equal(formatVerifiesSignatures("--format=%%G %h"), false);
    assert.equal(formatVerifiesSignatures("--format=%h %s"), false);
  });
});
