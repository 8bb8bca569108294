// Tests for reading .slipway.yml at the base commit from the repository's objects: what the base
// holds is read, the worktree's copy never is, and a link or an oversized file is refused.
import assert from "node:assert/strict";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo } from "../../test/helpers/git-fixture.ts";
import { ConfigError } from "../core/errors.ts";
import { maxRepoConfigBytes, readBaseVerifyConfig } from "./base-verify-config.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function repoWith(files: Record<string, string>): { repo: string; base: string } {
  const repo = makeRepo({ "a.txt": "one\n", ...files });
  created.push(repo);
  return { repo, base: git(repo, "rev-parse", "HEAD") };
}

const declared = 'verify:\n  replace: true\n  commands:\n    - name: unit\n      run: "npm test"\n';

describe("readBaseVerifyConfig", () => {
  test("reads the verify section as the base commit holds it, not the file on disk", async () => {
    const { repo, base } = repoWith({ ".slipway.yml": declared });
    writeFileSync(path.join(repo, ".slipway.yml"), "verify:\n  replace: true\n  commands: []\n");
    const loaded = await readBaseVerifyConfig(path.join(repo, ".git"), base);
    assert.equal(loaded?.file, ".slipway.yml");
    assert.deepEqual(
      loaded?.config.commands.map((check) => check.name),
      ["unit"],
    );
  });

  test("is undefined when the base has no .slipway.yml, whatever the worktree holds", async () => {
    const { repo, base } = repoWith({});
    writeFileSync(path.join(repo, ".slipway.yml"), declared);
    assert.equal(await readBaseVerifyConfig(path.join(repo, ".git"), base), undefined);
  });

  test("reads .slipway.yaml when there is no .slipway.yml", async () => {
    const { repo, base } = repoWith({ ".slipway.yaml": declared });
    assert.equal((await readBaseVerifyConfig(path.join(repo, ".git"), base))?.file, ".slipway.yaml");
  });

  test("refuses a .slipway.yml that is a link at the base", async () => {
    const { repo } = repoWith({ "elsewhere.yml": declared });
    symlinkSync("elsewhere.yml", path.join(repo, ".slipway.yml"));
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "link");
    await assert.rejects(
      readBaseVerifyConfig(path.join(repo, ".git"), git(repo, "rev-parse", "HEAD")),
      (error: unknown) =>
        ConfigError.isInstance(error) && /not a regular file/.test((error as Error).message),
    );
  });

  test("refuses a file over the size limit instead of parsing it", async () => {
    const { repo, base } = repoWith({ ".slipway.yml": `# ${"x".repeat(maxRepoConfigBytes)}\n` });
    await assert.rejects(readBaseVerifyConfig(path.join(repo, ".git"), base), (error: unknown) =>
      ConfigError.isInstance(error),
    );
  });

  test("names the file and key of an invalid setting", async () => {
    const { repo, base } = repoWith({ ".slipway.yml": "verify:\n  replace: maybe\n" });
    await assert.rejects(
      readBaseVerifyConfig(path.join(repo, ".git"), base),
      /\.slipway\.yml: verify\.replace:/,
    );
  });
});
