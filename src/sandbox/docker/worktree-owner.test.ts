// Handing a root-owned worktree to the sandbox user must never reach past it: a symlink in the
// repository (to a host directory, or looping back up) is chowned itself, its target never.
import assert from "node:assert/strict";
import {
  chownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { SandboxError } from "../../core/errors.ts";
import { grantWorktreeAccess, isSandboxIdentity, revokeWorktreeAccess } from "./worktree-owner.ts";

const root = mkdtempSync(path.join(tmpdir(), "slipway-owner-"));
after(() => rmSync(root, { recursive: true, force: true }));
const asRoot = process.getuid?.() === 0 ? false : "changing owners needs root";

test("a symlink to a host directory is handed over itself, and its target is untouched", {
  skip: asRoot,
}, async () => {
  const outside = path.join(root, "outside");
  const worktree = path.join(root, "worktree");
  mkdirSync(outside);
  writeFileSync(path.join(outside, "victim.txt"), "host file\n");
  mkdirSync(path.join(outside, "inner"));
  mkdirSync(path.join(worktree, "src"), { recursive: true });
  writeFileSync(path.join(worktree, "src", "index.js"), "export {};\n");
  symlinkSync(outside, path.join(worktree, "escape"));
  symlinkSync("../..", path.join(worktree, "src", "up"));

  const access = await grantWorktreeAccess(worktree);
  assert.ok(isSandboxIdentity(access.identity), `uid ${access.identity.uid} is a sandbox uid`);
  assert.equal(lstatSync(path.join(worktree, "src", "index.js")).uid, access.identity.uid);
  assert.equal(lstatSync(path.join(worktree, "escape")).uid, access.identity.uid);
  assert.equal(lstatSync(path.join(outside, "victim.txt")).uid, 0, "the link's target was chowned");
  assert.equal(lstatSync(path.join(outside, "inner")).uid, 0, "a directory behind the link was chowned");

  await revokeWorktreeAccess(worktree, access);
  assert.equal(lstatSync(path.join(worktree, "src", "index.js")).uid, 0);
  assert.equal(lstatSync(path.join(worktree, "escape")).uid, 0, "the link itself was not given back");
});

test("a directory of two owners is refused before the hand-over, and no owner changes", {
  skip: asRoot,
}, async () => {
  // Someone's own checkout, verified as root: root owns the top, a user owns some files.
  const checkout = path.join(root, "checkout");
  mkdirSync(path.join(checkout, "src"), { recursive: true });
  writeFileSync(path.join(checkout, "README.md"), "root's\n");
  writeFileSync(path.join(checkout, "src", "mine.js"), "export {};\n");
  chownSync(path.join(checkout, "src", "mine.js"), 1000, 1000);
  symlinkSync("mine.js", path.join(checkout, "src", "link"));
  lchownSync(path.join(checkout, "src", "link"), 0, 1000);

  await assert.rejects(
    grantWorktreeAccess(checkout),
    (error) =>
      error instanceof SandboxError &&
      error.message.includes(`${checkout} is owned by 0:0 but ${path.join(checkout, "src")}/`) &&
      !error.message.includes("\n"),
  );
  const owners = (entry: string) => {
    const stat = lstatSync(path.join(checkout, entry));
    return `${stat.uid}:${stat.gid}`;
  };
  assert.deepEqual(["", "README.md", "src", "src/mine.js", "src/link"].map(owners), [
    "0:0",
    "0:0",
    "0:0",
    "1000:1000",
    "0:1000",
  ]);
});
