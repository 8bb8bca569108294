// Tests for the mirror's config: written from known values only, a foreign source refused, the
// object format kept, and per-worktree files git would follow removed.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDir } from "../../test/helpers/git-fixture.ts";
import {
  mirrorConfigText,
  protectGitDir,
  readMirrorConfigValues,
  secureMirrorConfig,
} from "./mirror-config.ts";
import { mirrorPathFor } from "./mirror-name.ts";

const created: string[] = [];
after(() => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});

function fakeMirror(source: string, config: string): string {
  const dataDir = tempDir("mirror-config");
  created.push(dataDir);
  const mirrorPath = mirrorPathFor(source, dataDir);
  mkdirSync(mirrorPath, { recursive: true });
  writeFileSync(path.join(mirrorPath, "config"), config);
  return mirrorPath;
}

describe("mirror config", () => {
  test("the text names one fetch-only remote with branches and tags, quoting the URL", () => {
    const text = mirrorConfigText({ url: '/tmp/a "b"\\c', objectFormat: "sha1" });
    assert.match(text, /^\turl = "\/tmp\/a \\"b\\"\\\\c"$/m);
    assert.deepEqual(readMirrorConfigValues(text), { url: '/tmp/a "b"\\c', objectFormat: "sha1" });
    assert.doesNotMatch(text, /refs\/\*:refs\/\*|mirror =|extensions/);
    assert.match(mirrorConfigText({ url: "/r", objectFormat: "sha256" }), /objectformat = sha256/);
  });

  test("a planted key is dropped and the source kept when the URL is the mirror's own", async () => {
    const source = "/srv/repos/widget";
    const mirrorPath = fakeMirror(
      source,
      `[core]\n\tbare = true\n\tfsmonitor = /tmp/x\n[remote "origin"]\n\turl = ${source}\n\tuploadpack = /tmp/y\n`,
    );
    await protectGitDir(mirrorPath);
    assert.equal(
      readFileSync(path.join(mirrorPath, "config"), "utf8"),
      mirrorConfigText({ url: source, objectFormat: "sha1" }),
    );
  });

  test("a config naming another source is refused, unless the caller knows the source", async () => {
    const mirrorPath = fakeMirror("/srv/repos/widget", '[remote "origin"]\n\turl = /tmp/attacker\n');
    await assert.rejects(protectGitDir(mirrorPath), /changed by something other than Slipway/);
    await secureMirrorConfig(mirrorPath, "/srv/repos/widget");
    assert.equal(
      readMirrorConfigValues(readFileSync(path.join(mirrorPath, "config"), "utf8")).url,
      "/srv/repos/widget",
    );
  });

  test("a commondir and config.worktree in the mirror are removed before git runs", async () => {
    const source = "/srv/repos/widget";
    const mirrorPath = fakeMirror(source, mirrorConfigText({ url: source, objectFormat: "sha1" }));
    writeFileSync(path.join(mirrorPath, "commondir"), "/tmp/elsewhere\n");
    writeFileSync(path.join(mirrorPath, "config.worktree"), "[core]\n\tfsmonitor = /tmp/x\n");
    await protectGitDir(mirrorPath);
    assert.equal(existsSync(path.join(mirrorPath, "commondir")), false);
    assert.equal(existsSync(path.join(mirrorPath, "config.worktree")), false);
  });
});
