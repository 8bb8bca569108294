// Tests for the size guard on real diffs: file count, changed-line count, lockfiles left out.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, diffOfChange, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { GuardPolicy } from "./guard.ts";
import { sizeGuard } from "./size.ts";

const lines = (count: number, word: string) =>
  Array.from({ length: count }, (_, i) => `${word} ${i}\n`).join("");

describe("size guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports more files changed than the limit, as a finding about the whole diff", async () => {
    const diff = await diffOfChange(
      repo,
      { "a.txt": "a\n" },
      { "a.txt": "b\n", "b.txt": "b\n", "c.txt": "c\n" },
    );
    const findings = sizeGuard.check(diff, GuardPolicy.parse({ maxFilesChanged: 2 }));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.guard, "size");
    assert.equal(findings[0]!.file, "");
    assert.match(findings[0]!.message, /touches 3 files, more than the limit of 2/);
  });

  test("counts added plus removed lines against the limit and names the largest files", async () => {
    const diff = await diffOfChange(repo, { "big.txt": lines(4, "old") }, { "big.txt": lines(4, "new") });
    const findings = sizeGuard.check(diff, GuardPolicy.parse({ maxLinesChanged: 7 }));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.file, "");
    assert.match(
      findings[0]!.message,
      /adds and removes 8 lines, more than the limit of 7 \(largest: big\.txt \(8\)\)/,
    );
  });

  test("leaves lockfiles out of the line count", async () => {
    const diff = await diffOfChange(
      repo,
      { "a.txt": "a\n" },
      { "package-lock.json": lines(50, "hash"), "a.txt": "b\n" },
    );
    assert.deepEqual(sizeGuard.check(diff, GuardPolicy.parse({ maxLinesChanged: 10 })), []);
  });

  test("finds nothing in a change within both limits", async () => {
    const diff = await diffOfChange(repo, { "a.txt": "a\n" }, { "a.txt": "b\n" });
    assert.deepEqual(sizeGuard.check(diff, GuardPolicy.parse({})), []);
  });
});
