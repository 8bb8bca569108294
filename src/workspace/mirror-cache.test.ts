// Tests for ensureMirror: cloned once, then fetched (never re-cloned), Slipway branches kept, HEAD
// followed; not fetched when intake's listing shows it holds exactly the source's refs.
import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir, writeFiles } from "../../test/helpers/git-fixture.ts";
import { SlipwayError } from "../core/errors.ts";
import { ensureMirror, mirrorName, parseRemoteHead } from "./mirror-cache.ts";
import type { ListedRefs } from "./mirror-current.ts";
import { resolveBaseRef } from "./worktree.ts";

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

function commitIn(repo: string, file: string, content: string): string {
  writeFiles(repo, { [file]: content });
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", `change ${file}`);
  return git(repo, "rev-parse", "HEAD");
}

describe("ensureMirror", () => {
  test("the first call clones a bare mirror under <dataDir>/mirrors", async () => {
    const { source, dataDir } = setUp();
    const { mirrorPath } = await ensureMirror(source, dataDir);
    assert.equal(path.dirname(mirrorPath), path.join(dataDir, "mirrors"));
    assert.equal(git(mirrorPath, "rev-parse", "--is-bare-repository"), "true");
    assert.equal(git(mirrorPath, "rev-parse", "main"), git(source, "rev-parse", "main"));
    assert.deepEqual(
      readdirSync(path.join(dataDir, "mirrors")),
      [path.basename(mirrorPath)],
      "no lock or temp left",
    );
  });

  test("a second call fetches new commits into the same mirror instead of cloning again", async () => {
    const { source, dataDir } = setUp();
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const marker = path.join(mirrorPath, "slipway-test-marker");
    writeFileSync(marker, "still here\n");
    const inode = statSync(mirrorPath).ino;
    const newCommit = commitIn(source, "b.txt", "two\n");

    const again = await ensureMirror(source, dataDir);

    assert.equal(again.mirrorPath, mirrorPath);
    assert.equal(statSync(mirrorPath).ino, inode);
    assert.equal(existsSync(marker), true);
    assert.equal(git(mirrorPath, "rev-parse", "main"), newCommit);
  });

  test("fetching prunes branches deleted at the source but keeps Slipway's branches", async () => {
    const { source, dataDir } = setUp();
    git(source, "branch", "feature");
    const { mirrorPath } = await ensureMirror(source, dataDir);
    git(mirrorPath, "branch", "slipway/abc12345", "main");
    git(source, "branch", "-D", "feature");

    await ensureMirror(source, dataDir);

    const branches = git(mirrorPath, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split("\n");
    assert.deepEqual(branches.sort(), ["main", "slipway/abc12345"]);
  });

  test("HEAD follows the branch the source has checked out now", async () => {
    const { source, dataDir } = setUp();
    await ensureMirror(source, dataDir);
    git(source, "checkout", "--quiet", "-b", "develop");
    const developCommit = commitIn(source, "c.txt", "three\n");

    const { mirrorPath } = await ensureMirror(source, dataDir);

    assert.equal(await resolveBaseRef(mirrorPath, "HEAD"), developCommit);
  });

  test("a source that cannot be cloned fails with its name and leaves no mirror, temp or lock behind", async () => {
    const dataDir = tempDir("data");
    created.push(dataDir);
    const missing = path.join(dataDir, "no-such-repo");
    await assert.rejects(ensureMirror(missing, dataDir), (error: unknown) => {
      assert.ok(SlipwayError.isInstance(error));
      assert.equal(error.code, "workspace_failed");
      assert.match(error.message, /^cannot mirror .*no-such-repo: git clone failed: fatal: /);
      return true;
    });
    assert.deepEqual(readdirSync(path.join(dataDir, "mirrors")), []);
  });
});

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

describe("ensureMirror with intake's listing", () => {
  test("a mirror holding exactly the listed refs is not fetched: the run starts where the listing saw the source", async () => {
    const { source, dataDir } = setUp();
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const seen = git(source, "rev-parse", "HEAD");
    const listedRefs = listed(source);
    // The source moves after the listing: a fetch would bring this commit, the skipped one does not.
    commitIn(source, "late.txt", "late\n");

    await ensureMirror(source, dataDir, undefined, { listedRefs });

    assert.equal(git(mirrorPath, "rev-parse", "main"), seen);
  });

  test("a listing that shows a newer commit, a new branch or a new HEAD makes it fetch", async () => {
    const { source, dataDir } = setUp();
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const newer = commitIn(source, "b.txt", "two\n");
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

describe("mirrorName", () => {
  test("is readable from the source's last segment and differs for different sources", () => {
    assert.match(mirrorName("https://github.com/acme/Widget.git"), /^widget-[0-9a-f]{12}\.git$/);
    assert.match(mirrorName("git@github.com:acme/widget.git"), /^widget-[0-9a-f]{12}\.git$/);
    assert.match(mirrorName("/"), /^repo-[0-9a-f]{12}\.git$/);
    assert.notEqual(mirrorName("/a/widget"), mirrorName("/b/widget"));
  });
});

describe("parseRemoteHead", () => {
  test("reads the symbolic branch and the commit", () => {
    const sha = "a".repeat(40);
    assert.deepEqual(parseRemoteHead(`ref: refs/heads/main\tHEAD\n${sha}\tHEAD\n`), {
      branch: "refs/heads/main",
      commit: sha,
    });
    assert.deepEqual(parseRemoteHead(`${sha}\tHEAD\n`), { branch: undefined, commit: sha });
  });
});
