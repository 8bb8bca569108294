import assert from "node:assert/strict";
import { existsSync, lstatSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import {
  keepSetupDirectories,
  removeSetupCopy,
  restoreSetupDirectories,
  setupCopyPath,
} from "./setup-copy.ts";

const roots: string[] = [];
after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function installedWorktree(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "slipway-setup-copy-"));
  roots.push(root);
  const worktree = path.join(root, "worktree");
  await mkdir(path.join(worktree, "node_modules/.bin"), { recursive: true });
  await writeFile(path.join(worktree, "node_modules/.bin/runner"), "real runner\n");
  return worktree;
}

test("the gate gets the dependencies as setup installed them, whatever the agent did to its copy", async () => {
  const worktree = await installedWorktree();
  assert.deepEqual(await keepSetupDirectories(worktree, ["node_modules", ".venv"]), ["node_modules"]);
  // The agent rewrites the runner; the gate then removes everything outside the frozen tree.
  await writeFile(path.join(worktree, "node_modules/.bin/runner"), "exit 0 # always passes\n");
  await rm(path.join(worktree, "node_modules"), { recursive: true });
  const restored = await restoreSetupDirectories(worktree, ["node_modules"]);
  assert.deepEqual(restored, { restored: ["node_modules"], skipped: [] });
  assert.equal(await readFile(path.join(worktree, "node_modules/.bin/runner"), "utf8"), "real runner\n");
  await removeSetupCopy(worktree);
  assert.equal(existsSync(setupCopyPath(worktree)), false);
});

test("a link the agent committed at the directory's name is not written through", async () => {
  const worktree = await installedWorktree();
  await keepSetupDirectories(worktree, ["node_modules"]);
  await rm(path.join(worktree, "node_modules"), { recursive: true });
  const outside = path.join(path.dirname(worktree), "outside");
  await mkdir(outside);
  await symlink(outside, path.join(worktree, "node_modules"));
  const restored = await restoreSetupDirectories(worktree, ["node_modules"]);
  assert.deepEqual(restored, { restored: [], skipped: ["node_modules"] });
  assert.equal(existsSync(path.join(outside, ".bin")), false);
  assert.equal(lstatSync(path.join(worktree, "node_modules")).isSymbolicLink(), true);
});

test("a dependency directory that setup left as a link is not kept (never followed)", async () => {
  const worktree = await installedWorktree();
  await rm(path.join(worktree, "node_modules"), { recursive: true });
  await symlink("/etc", path.join(worktree, "node_modules"));
  assert.deepEqual(await keepSetupDirectories(worktree, ["node_modules"]), []);
  assert.equal(existsSync(path.join(setupCopyPath(worktree), "node_modules")), false);
});
