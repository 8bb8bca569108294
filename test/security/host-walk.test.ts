// Regression tests for host-side walks steered by repository content (red team R4): the workspace
// globs of an agent-edited package.json are expanded on the host as root, so a link planted in the
// worktree must neither walk the host's filesystem nor turn host directories into workspace
// packages, and the walk stays within its entry bound and its signal. Host-side only: no sandbox.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { findWorkspacePackages } from "../../src/verify/node/workspaces.ts";

function writePackage(directory: string, name: string): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, "package.json"), JSON.stringify({ name }));
}

describe("workspace globs never walk through a link", () => {
  let base = "";
  let worktree = "";
  let outside = "";

  before(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-host-walk-")));
    worktree = path.join(base, "worktree");
    outside = path.join(base, "outside");
    writePackage(worktree, "root");
    writePackage(path.join(worktree, "packages", "one"), "one");
    // Host directories holding a package.json, reached only through links in the worktree.
    writePackage(path.join(outside, "host-package"), "host-package");
    writePackage(path.join(outside, "a", "b", "deep"), "deep");
    symlinkSync("/", path.join(worktree, "host"));
    symlinkSync(outside, path.join(worktree, "out"));
    symlinkSync(path.join(outside, "host-package"), path.join(worktree, "packages", "linked"));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test("a link to / yields nothing and is never entered, for ** and for *", async () => {
    for (const globs of [["host/**/nomatch"], ["host/*"], ["host/**"], ["**/nomatch"]]) {
      const found = await findWorkspacePackages(worktree, globs);
      assert.deepEqual(found.directories, [], JSON.stringify(globs));
      // Not cut by a bound: the walk finished because it never went through the link.
      assert.ok(!found.notes.some((note) => /stopped looking/.test(note)), JSON.stringify(found.notes));
    }
  });

  test("host directories behind a link never become workspace packages", async () => {
    for (const globs of [["out/*"], ["out/**"], ["packages/*"], ["*/*"], ["**"]]) {
      const found = await findWorkspacePackages(worktree, globs);
      const expected = globs[0] === "out/*" || globs[0] === "out/**" ? [] : ["packages/one"];
      assert.deepEqual(found.directories, expected, JSON.stringify(globs));
    }
  });

  test("the walk stops at its entry bound and at its signal, and says so", async () => {
    for (let index = 0; index < 60; index++)
      mkdirSync(path.join(worktree, "wide", `d${index}`), { recursive: true });
    const bounded = await findWorkspacePackages(worktree, ["wide/**/nomatch", "packages/*"], {
      maxEntries: 20,
    });
    assert.deepEqual(bounded.directories, []);
    assert.ok(
      bounded.notes.some((note) => /stopped looking after 20 entries/.test(note)),
      bounded.notes.join("\n"),
    );
    const cancelled = await findWorkspacePackages(worktree, ["packages/*"], { signal: AbortSignal.abort() });
    assert.deepEqual(cancelled.directories, []);
    assert.ok(
      cancelled.notes.some((note) => /stopped looking/.test(note)),
      cancelled.notes.join("\n"),
    );
    rmSync(path.join(worktree, "wide"), { recursive: true });
  });
});
