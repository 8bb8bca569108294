// Tests for the comparison that lets a run skip its mirror fetch: equal only when a fetch would
// change nothing (the fetch itself, skipped or not, is tested with ensureMirror in mirror-cache.test.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ListedRefs, mirrorMatchesListing } from "./mirror-current.ts";

describe("mirrorMatchesListing", () => {
  const one = "1".repeat(40);
  const two = "2".repeat(40);
  const listing = (entries: [string, string][], headBranch = "refs/heads/main"): ListedRefs => ({
    refs: new Map(entries),
    headBranch,
  });
  const mirror = (entries: [string, string][]) => new Map(entries);
  const head = "ref: refs/heads/main\n";

  test("matches the same branches and tags; ignores Slipway's branches on either side and peeled tags", () => {
    const listed = listing([
      ["HEAD", one],
      ["refs/heads/main", one],
      ["refs/tags/v1", two],
      ["refs/tags/v1^{}", one],
      ["refs/heads/slipway/old", two],
      ["refs/remotes/origin/main", two],
    ]);
    const held = mirror([
      ["refs/heads/main", one],
      ["refs/tags/v1", two],
      ["refs/heads/slipway/abc", two],
    ]);
    assert.equal(mirrorMatchesListing(held, head, listed), true);
  });

  test("differs on a moved branch, a missing or extra ref, a private ref, another HEAD or a detached one", () => {
    const listed = listing([["refs/heads/main", one]]);
    assert.equal(mirrorMatchesListing(mirror([["refs/heads/main", two]]), head, listed), false);
    assert.equal(mirrorMatchesListing(mirror([]), head, listed), false);
    const extra = mirror([
      ["refs/heads/main", one],
      ["refs/tags/gone", one],
    ]);
    assert.equal(mirrorMatchesListing(extra, head, listed), false);
    const stash = mirror([
      ["refs/heads/main", one],
      ["refs/stash", one],
    ]);
    assert.equal(mirrorMatchesListing(stash, head, listed), false);
    const held = mirror([["refs/heads/main", one]]);
    assert.equal(mirrorMatchesListing(held, "ref: refs/heads/other\n", listed), false);
    assert.equal(mirrorMatchesListing(held, head, { refs: listed.refs }), false);
    assert.equal(mirrorMatchesListing(held, head, listed), true);
  });
});
