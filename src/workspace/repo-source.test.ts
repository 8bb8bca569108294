// Tests for resolveRepoSource: URLs pass through, local paths become the repository's top level, the rest is refused.
import assert from "node:assert/strict";
import { realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { SlipwayError } from "../core/errors.ts";
import { isGitUrl, resolveRepoSource } from "./repo-source.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function repoInvalid(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(SlipwayError.isInstance(error));
    assert.equal(error.code, "repo_invalid");
    assert.match(error.message, pattern);
    assert.match(error.message, /pass the path of a git checkout or a git URL/);
    return true;
  };
}

describe("resolveRepoSource", () => {
  test("git URLs are returned unchanged", async () => {
    for (const url of [
      "https://github.com/acme/widget.git",
      "ssh://git@example.com/acme/widget.git",
      "git@github.com:acme/widget.git",
      "file:///srv/git/widget.git",
    ]) {
      assert.equal(await resolveRepoSource(url), url);
    }
  });

  test("a subdirectory of a checkout resolves to the checkout's absolute top level", async () => {
    const repo = makeRepo({ "src/a.txt": "a\n" });
    created.push(repo);
    assert.equal(await resolveRepoSource(path.join(repo, "src")), realpathSync(repo));
  });

  test("a bare repository resolves to its own directory", async () => {
    const parent = tempDir("bare");
    created.push(parent);
    const bare = path.join(parent, "widget.git");
    git(parent, "init", "--quiet", "--bare", bare);
    assert.equal(await resolveRepoSource(bare), realpathSync(bare));
  });

  test("a directory that is not a git repository is refused as repo_invalid", async () => {
    const plain = tempDir("plain");
    created.push(plain);
    await assert.rejects(resolveRepoSource(plain), repoInvalid(/ is not a git repository: /));
  });

  test("a path that does not exist is refused as repo_invalid", async () => {
    const parent = tempDir("missing");
    created.push(parent);
    await assert.rejects(resolveRepoSource(path.join(parent, "nope")), repoInvalid(/nope does not exist: /));
  });

  test("a file is refused as repo_invalid", async () => {
    const parent = tempDir("file");
    created.push(parent);
    const file = path.join(parent, "notes.txt");
    writeFileSync(file, "x\n");
    await assert.rejects(resolveRepoSource(file), repoInvalid(/notes\.txt is not a directory/));
  });
});

describe("isGitUrl", () => {
  test("refuses transports that run commands and plain paths", () => {
    assert.equal(isGitUrl("ext::sh -c touch% /tmp/x"), false);
    assert.equal(isGitUrl("/home/me/widget"), false);
    assert.equal(isGitUrl("widget"), false);
    assert.equal(isGitUrl("http://example.com/widget.git"), true);
  });
});
