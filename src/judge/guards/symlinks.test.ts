// Tests for the symlinks guard on real diffs: links that leave the repository, and ones that stay.
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { GuardPolicy } from "./guard.ts";
import { symlinksGuard } from "./symlinks.ts";

describe("symlinks guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("reports links to absolute paths, outside the repository and into .git; not links inside", async () => {
    repo.write("src/add.js", "export {};\n");
    repo.write("docs/guide.md", "# Guide\n");
    const base = repo.commit();
    repo.remove("src/add.js");
    symlinkSync("../../../etc/passwd", join(repo.dir, "src/add.js"));
    symlinkSync("/home/user/.ssh/id_rsa", join(repo.dir, "key"));
    symlinkSync("../.git/config", join(repo.dir, "docs/config"));
    symlinkSync("guide.md", join(repo.dir, "docs/README.md"));
    symlinkSync("../docs/guide.md", join(repo.dir, "src/guide.md"));
    const diff = await repo.diff(base);
    const findings = symlinksGuard.check(diff, GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file, message }) => `${file}: ${/, ([^;]+);/.exec(message)?.[1]}`),
      [
        "docs/config: the git directory",
        "key: an absolute path",
        "src/add.js: a path outside the repository",
      ],
    );
    const replaced = diff.files.filter(({ path }) => path === "src/add.js").map(({ newMode }) => newMode);
    assert.deepEqual(replaced, [undefined, "120000"]);
  });
});
