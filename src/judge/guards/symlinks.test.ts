// Tests for the symlinks guard on real diffs: every new link is refused unless the policy names it.
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createTempGitRepo, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { GuardPolicy } from "./guard.ts";
import { runGuards } from "./registry.ts";
import { symlinksGuard } from "./symlinks.ts";

describe("symlinks guard", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("a protected directory added as a link to an unprotected one is refused (red team R1)", async () => {
    repo.write("README.md", "# r\n");
    const base = repo.commit();
    repo.write("tools/cargo/config.toml", '[build]\nrustc-wrapper = "tools/cargo/wrap.sh"\n');
    repo.write("tools/hooks/pre-commit", "#!/bin/sh\necho pwned\n");
    symlinkSync("tools/cargo", join(repo.dir, ".cargo"));
    symlinkSync("tools/hooks", join(repo.dir, ".husky"));
    const report = runGuards(await repo.diff(base), GuardPolicy.parse({}));
    assert.equal(report.passed, false);
    assert.deepEqual(
      report.findings.map(({ guard, file }) => `${guard} ${file}`),
      ["symlinks .cargo", "symlinks .husky"],
    );
    assert.match(report.findings[0]!.message, /link to "tools\/cargo".*guards\.allowSymlinks/);
  });

  test("a link whose target climbs through another link is refused (red team R11)", async () => {
    repo.write("README.md", "# r\n");
    const base = repo.commit();
    // Each target stays inside on paper: `a/b/k` is the root, `docs/leak` reads as `a/etc/passwd`.
    // The kernel follows `k` to the root first, so the two `..` after it leave the repository.
    repo.write("a/b/.keep", "");
    repo.write("docs/.keep", "");
    symlinkSync("../..", join(repo.dir, "a/b/k"));
    symlinkSync("../a/b/k/../../etc/passwd", join(repo.dir, "docs/leak"));
    const findings = symlinksGuard.check(await repo.diff(base), GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file }) => file),
      ["a/b/k", "docs/leak"],
    );
  });

  test("a link the policy allows passes, unless it leaves the repository or names .git", async () => {
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
    const findings = symlinksGuard.check(diff, GuardPolicy.parse({ allowSymlinks: ["**"] }));
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

  test("a retargeted or moved link is refused; an unchanged or deleted one is not", async () => {
    symlinkSync("a.txt", join(repo.dir, "retarget"));
    symlinkSync("a.txt", join(repo.dir, "move"));
    symlinkSync("a.txt", join(repo.dir, "keep"));
    symlinkSync("a.txt", join(repo.dir, "gone"));
    repo.write("a.txt", "a\n");
    repo.write("b.txt", "b\n");
    const base = repo.commit();
    repo.remove("retarget");
    symlinkSync("b.txt", join(repo.dir, "retarget"));
    repo.move("move", "moved");
    repo.remove("gone");
    const findings = symlinksGuard.check(await repo.diff(base), GuardPolicy.parse({}));
    assert.deepEqual(
      findings.map(({ file }) => file),
      ["moved", "retarget"],
    );
  });
});
