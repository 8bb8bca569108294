// Tests for skipping a run's mirror fetch when intake's listing shows the mirror is current: skipped
// only when a fetch would change nothing, never when the source has moved, grown or lost a ref.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir, writeFiles } from "../../test/helpers/git-fixture.ts";
import { ensureMirror } from "./mirror-cache.ts";
import { type ListedRefs, mirrorMatchesListing } from "./mirror-current.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function setUp(): { source: string; dataDir: string } {
  const source = makeRepo({ "a.txt": "one\n" });
  const dataDir = tempDir("data");
  created.push(source, dataDir);
  return { source, dataDir };
}

/** The source's refs as intake lists them (`git ls-remote --symref`, as checkBaseRef runs it). */
function listed(source: string): ListedRefs {
  const output = git(source, "ls-remote", "--symref", "--", source);
  const refs = new Map<string, string>();
  for (const line of output.split("\n")) {
    const [id, ref] = line.split("\t");
    if (id && ref && /^[0-9a-f]{40}$/.test(id)) refs.set(ref, id);
  }
  return { refs, headBranch: /^ref: (\S+)\tHEAD$/m.exec(output)?.[1] };
}

function commitIn(repo: string, file: string): string {
  writeFiles(repo, { [file]: `${file}\n` });
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", `add ${file}`);
  return git(repo, "rev-parse", "HEAD");
}

describe("ensureMirror with intake's listing", () => {
  test("a mirror holding exactly the listed refs is not fetched: the run starts where the listing saw the source", async () => {
    const { source, dataDir } = setUp();
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const seen = git(source, "rev-parse", "HEAD");
    const listedRefs = listed(source);
    // The source moves after the listing: a fetch would bring this commit, the skipped one does not.
    commitIn(source, "late.txt");

    await ensureMirror(source, dataDir, undefined, { listedRefs });

    assert.equal(git(mirrorPath, "rev-parse", "main"), seen);
  });

  test("a listing that shows a newer commit, a new branch or a new HEAD makes it fetch", async () => {
    const { source, dataDir } = setUp();
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const newer = commitIn(source, "b.txt");
    await ensureMirror(source, dataDir, undefined, { listedRefs: listed(source) });
    assert.equal(git(mirrorPath, "rev-parse", "main"), newer);

    git(source, "branch", "feature");
    await ensureMirror(source, dataDir, undefined, { listedRefs: listed(source) });
    assert.equal(git(mirrorPath, "rev-parse", "feature"), newer);

    git(source, "checkout", "--quiet", "feature");
    await ensureMirror(source, dataDir, undefined, { listedRefs: listed(source) });
    assert.equal(git(mirrorPath, "symbolic-ref", "HEAD"), "refs/heads/feature");
  });

  test("a ref a fetch would remove (deleted at the source, or private in the mirror) makes it fetch", async () => {
    const { source, dataDir } = setUp();
    git(source, "tag", "v1");
    const { mirrorPath } = await ensureMirror(source, dataDir);
    git(source, "tag", "-d", "v1");
    await ensureMirror(source, dataDir, undefined, { listedRefs: listed(source) });
    assert.equal(git(mirrorPath, "tag", "--list"), "");

    git(mirrorPath, "update-ref", "refs/stash", "main");
    await ensureMirror(source, dataDir, undefined, { listedRefs: listed(source) });
    assert.equal(git(mirrorPath, "for-each-ref", "--format=%(refname)", "refs/stash"), "");
  });
});

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
