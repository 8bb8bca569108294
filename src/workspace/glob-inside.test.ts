// globDirectoriesInside: the glob forms workspaces use, matched one segment at a time, links never entered.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { globDirectoriesInside } from "./glob-inside.ts";

describe("globDirectoriesInside", () => {
  let root = "";
  const glob = async (patterns: string[], maxEntries = 1_000) => {
    const result = await globDirectoriesInside(root, patterns, {
      maxEntries,
      skipped: new Set(["node_modules"]),
      signal: AbortSignal.timeout(30_000),
    });
    return { directories: result.directories.sort(), cut: result.cut };
  };

  before(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-glob-inside-")));
    for (const directory of [
      "packages/a",
      "packages/b/nested",
      "packages/.hidden",
      "apps/web",
      "node_modules/x",
      "tools/cli",
    ])
      mkdirSync(path.join(root, directory), { recursive: true });
    symlinkSync(path.join(root, "apps"), path.join(root, "packages", "link"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("* ? [] and {a,b} match within one segment; dot directories and links are left out", async () => {
    assert.deepEqual((await glob(["packages/*"])).directories, ["packages/a", "packages/b"]);
    assert.deepEqual((await glob(["packages/?"])).directories, ["packages/a", "packages/b"]);
    assert.deepEqual((await glob(["packages/[b-z]"])).directories, ["packages/b"]);
    assert.deepEqual((await glob(["{apps,tools}/*"])).directories, ["apps/web", "tools/cli"]);
    assert.deepEqual((await glob(["packages/", "./apps/web"])).directories, ["apps/web", "packages"]);
  });

  test("** matches any depth, the start included, and skips node_modules and dot directories", async () => {
    assert.deepEqual((await glob(["packages/**"])).directories, [
      "packages",
      "packages/a",
      "packages/b",
      "packages/b/nested",
    ]);
    assert.ok(!(await glob(["**"])).directories.some((directory) => directory.startsWith("node_modules")));
    assert.deepEqual((await glob(["**/nested"])).directories, ["packages/b/nested"]);
  });

  test("refuses .. and absolute globs, and reports a cut at the entry bound", async () => {
    await assert.rejects(glob(["../x"]), /contains "\.\."/);
    await assert.rejects(glob(["/etc"]), /is absolute/);
    assert.deepEqual(await glob(["**"], 3), { directories: [], cut: true });
  });
});
