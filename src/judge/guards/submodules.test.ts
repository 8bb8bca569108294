// Tests for the submodules guard on real diffs: a nested repository recorded as a gitlink.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { chunkDiff } from "../llm-judge/chunk-diff.ts";
import { GuardPolicy } from "./guard.ts";
import { runGuards } from "./registry.ts";

const oldCommit = "1".repeat(40);
const newCommit = "deadbeef".repeat(5);

describe("submodules guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  /** A nested repository whose HEAD names `commit` (no objects needed): git records a gitlink. */
  function nestedRepository(path: string, commit: string): void {
    for (const dir of ["objects", "refs/heads"])
      mkdirSync(join(repo.dir, path, ".git", dir), { recursive: true });
    repo.write(`${path}/.git/HEAD`, `${commit}\n`);
  }

  test("refuses a moved or added submodule commit, and the judge is told a → b (red team R6)", async () => {
    repo.write(
      ".gitmodules",
      '[submodule "lib"]\n\tpath = vendor/lib\n\turl = https://example.invalid/lib\n',
    );
    nestedRepository("vendor/lib", oldCommit);
    const base = repo.commit();
    nestedRepository("vendor/lib", newCommit);
    nestedRepository("tools/x", newCommit);
    const diff = await repo.diff(base);
    const report = runGuards(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      report.findings.map(({ guard, file }) => `${guard} ${file}`),
      ["submodules tools/x", "submodules vendor/lib"],
    );
    assert.match(report.findings[1]!.message, new RegExp(`submodule commit ${oldCommit} → ${newCommit}`));
    const text = chunkDiff(diff, 100_000)[0]!.text;
    assert.match(
      text,
      new RegExp(
        `file "vendor/lib" \\(modified; submodule commit\\)\\n\\| submodule commit ${oldCommit} → ${newCommit}`,
      ),
    );
    assert.match(
      text,
      new RegExp(`file "tools/x" \\(added; submodule commit\\)\\n\\| submodule commit none → ${newCommit}`),
    );
  });

  test("passes a submodule change the policy allows as a protected change", async () => {
    nestedRepository("vendor/lib", oldCommit);
    const base = repo.commit();
    nestedRepository("vendor/lib", newCommit);
    const report = runGuards(await repo.diff(base), GuardPolicy.parse({ allowProtected: ["vendor/lib"] }));
    assert.deepEqual(report.findings, []);
  });
});
