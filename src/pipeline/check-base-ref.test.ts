// The base is checked on the repository itself, with real git, and nothing is left behind either way.
import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, it } from "node:test";
import { git, makeRepo } from "../../test/helpers/git-fixture.ts";
import { InputError } from "../core/errors.ts";
import { checkBaseRef, checkFollowUpBase, namesListedRef, parseRemoteRefs } from "./check-base-ref.ts";

const repo = makeRepo({ "README.md": "one\n" });
const first = git(repo, "rev-parse", "HEAD");
git(repo, "commit", "--quiet", "--allow-empty", "-m", "two");
git(repo, "tag", "v1");
git(repo, "branch", "feature");
after(() => rmSync(repo, { recursive: true, force: true }));

const scratchDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith("slipway-base-"));

describe("checkBaseRef", () => {
  it("accepts HEAD, a branch, origin/<branch>, a tag, a tip's abbreviated id and an older commit's full id", async () => {
    const before = scratchDirs();
    for (const base of ["HEAD", "main", "origin/feature", "refs/heads/feature", "v1", first]) {
      await checkBaseRef(repo, base);
    }
    await checkBaseRef(repo, git(repo, "rev-parse", "HEAD").slice(0, 8));
    assert.deepEqual(scratchDirs(), before, "no temporary repository left behind");
  });

  it("refuses an unknown branch and an unknown full commit id with ref_unknown naming the branches", async () => {
    const before = scratchDirs();
    for (const base of ["no-such-branch", "1234567890123456789012345678901234567890"]) {
      await assert.rejects(
        checkBaseRef(repo, base),
        (error) =>
          error instanceof InputError &&
          error.code === "ref_unknown" &&
          error.message.includes(`base ref "${base}" was not found in ${repo}; branches there include`),
      );
    }
    assert.deepEqual(scratchDirs(), before, "no temporary repository left behind");
  });

  it("says a repository it cannot read is unreadable, as one InputError", async () => {
    await assert.rejects(
      checkBaseRef(`${repo}-missing`, "main"),
      (error) => error instanceof InputError && /cannot read the repository/.test(error.message),
    );
  });
});

describe("checkFollowUpBase", () => {
  const elsewhere = "1234567890123456789012345678901234567890";
  it("accepts the pull request's head the forge's branch names, though the source lacks it", async () => {
    await checkFollowUpBase(repo, elsewhere, async () => elsewhere);
  });
  it("refuses a head the forge's branch no longer names and the source lacks, as checkBaseRef does", async () => {
    await assert.rejects(
      checkFollowUpBase(repo, elsewhere, async () => null),
      (error) =>
        error instanceof InputError && error.code === "ref_unknown" && /was not found in/.test(error.message),
    );
    await assert.rejects(
      checkFollowUpBase(repo, elsewhere, async () => first),
      (error) =>
        error instanceof InputError &&
        error.code === "ref_unknown" &&
        error.message.includes(
          `no longer the head of the pull request's branch on the forge (now ${first.slice(0, 12)})`,
        ),
    );
  });
});

describe("reading ls-remote", () => {
  it("matches names the way the mirror resolves them", () => {
    const refs = parseRemoteRefs(
      `${"a".repeat(40)}\tHEAD\n${"b".repeat(40)}\trefs/heads/main\n${"c".repeat(40)}\trefs/tags/v1\n`,
    );
    assert.equal(refs.size, 3);
    for (const name of ["HEAD", "main", "origin/main", "v1", "refs/tags/v1", "bbbbbbb"])
      assert.ok(namesListedRef(refs, name), name);
    for (const name of ["mai", "origin/v2", "dddddddd", "tags/v1"])
      assert.equal(namesListedRef(refs, name), false, name);
  });
});
