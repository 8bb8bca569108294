// Tests for resolveInside: paths stay inside the root, also through symlinks and not-yet-existing files.
import assert from "node:assert/strict";
import { mkdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDir } from "../../test/helpers/git-fixture.ts";
import { SlipwayError } from "../core/errors.ts";
import { realpathOfExistingPrefix, resolveInside } from "./paths.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function setUp(): { root: string; outside: string } {
  const root = realpathSync(tempDir("root"));
  const outside = realpathSync(tempDir("outside"));
  created.push(root, outside);
  mkdirSync(path.join(root, "src"));
  return { root, outside };
}

function outsideError(error: unknown): boolean {
  assert.ok(SlipwayError.isInstance(error));
  assert.equal(error.code, "input_invalid");
  assert.match(error.message, /is outside the worktree/);
  return true;
}

describe("resolveInside", () => {
  test("resolves a relative path, existing or not, to an absolute path inside the root", () => {
    const { root } = setUp();
    assert.equal(resolveInside(root, "src"), path.join(root, "src"));
    assert.equal(resolveInside(root, "src/new/file.ts"), path.join(root, "src", "new", "file.ts"));
    assert.equal(resolveInside(root, "."), root);
  });

  test("refuses a path that climbs out with ..", () => {
    const { root } = setUp();
    assert.throws(() => resolveInside(root, "../etc/passwd"), outsideError);
    assert.throws(() => resolveInside(root, "src/../../x"), outsideError);
  });

  test("refuses an absolute path outside the root and a sibling sharing the root's prefix", () => {
    const { root } = setUp();
    assert.throws(() => resolveInside(root, "/etc/passwd"), outsideError);
    assert.throws(() => resolveInside(root, `${root}-sibling/x`), outsideError);
  });

  test("refuses a symlink inside the root that points outside, and files beneath it", () => {
    const { root, outside } = setUp();
    symlinkSync(outside, path.join(root, "escape"));
    assert.throws(() => resolveInside(root, "escape"), outsideError);
    assert.throws(() => resolveInside(root, "escape/new-file"), outsideError);
  });

  test("accepts a symlink that stays inside the root, resolved to its target", () => {
    const { root } = setUp();
    symlinkSync(path.join(root, "src"), path.join(root, "link"));
    assert.equal(resolveInside(root, "link/a.ts"), path.join(root, "src", "a.ts"));
  });
});

describe("realpathOfExistingPrefix", () => {
  test("resolves symlinks in the existing part and keeps the missing rest", () => {
    const { root, outside } = setUp();
    symlinkSync(outside, path.join(root, "link"));
    assert.equal(realpathOfExistingPrefix(path.join(root, "link", "a", "b")), path.join(outside, "a", "b"));
  });
});
