// Tests for findGitEntry: a `.git` anywhere inside is found, links are not followed, the search is bounded.
import assert from "node:assert/strict";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { findGitEntry, maxEntriesSearched } from "./git-entries.ts";

const created: string[] = [];
after(() => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});

function plain(): string {
  const made = tempDir("git-entries");
  created.push(made);
  return made;
}

describe("findGitEntry", () => {
  test("finds a nested .git directory or file, and nothing in a plain tree", () => {
    const root = plain();
    mkdirSync(path.join(root, "a", "b"), { recursive: true });
    writeFileSync(path.join(root, "a", "b", "x.txt"), "");
    assert.equal(findGitEntry(root), undefined);
    writeFileSync(path.join(root, "a", "b", ".git"), "gitdir: /elsewhere\n");
    assert.equal(findGitEntry(root), path.join(root, "a", "b", ".git"));
  });

  test("does not follow a link to a repository", () => {
    const root = plain();
    const repo = makeRepo({ "a.txt": "one\n" });
    created.push(repo);
    symlinkSync(repo, path.join(root, "linked"));
    assert.equal(findGitEntry(root), undefined);
  });

  test("refuses a tree too large to check", () => {
    const root = plain();
    for (let index = 0; index <= maxEntriesSearched; index++) writeFileSync(path.join(root, `f${index}`), "");
    assert.throws(() => findGitEntry(root), /holds more than 20000 files, too many to check/);
  });
});
