// The pinned package manager on the agent's PATH: read from the base commit, found only as setup's
// regular launcher, and first on PATH for a real sandbox's commands.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pinnedManagerBin, withPinnedManagerPath } from "./pinned-manager-path.ts";
import { runCommandTool } from "./run-command.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
}

/** A commit in `repo` whose package.json holds `packageJson` (null: a symlink). */
async function commit(repo: string, packageJson: string | null): Promise<string> {
  await rm(path.join(repo, "package.json"), { force: true });
  if (packageJson === null) await symlink("elsewhere.json", path.join(repo, "package.json"));
  else await writeFile(path.join(repo, "package.json"), packageJson);
  git(repo, "add", "-A");
  git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "c");
  return git(repo, "rev-parse", "HEAD");
}

describe("pinned package manager on PATH", () => {
  let fixture: ToolFixture;
  let repo: string;
  let pinned: string;
  before(async () => {
    fixture = await createToolFixture({ commandAllowlist: ["pnpm"] });
    repo = await realpath(await mkdtemp(path.join(tmpdir(), "slipway-pin-")));
    git(repo, "init", "-q");
    pinned = await commit(repo, JSON.stringify({ packageManager: "pnpm@9.1.0" }));
    const bin = path.join(fixture.worktree, "node_modules/.slipway-corepack/bin");
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, "pnpm"), '#!/bin/sh\necho pinned-pnpm "$@"\n');
    await chmod(path.join(bin, "pnpm"), 0o755);
  });
  after(async () => {
    await fixture.dispose();
    await rm(repo, { recursive: true, force: true });
  });

  it("runs the agent's `pnpm` through setup's launcher when the base commit pins pnpm", async () => {
    const bin = await pinnedManagerBin(path.join(repo, ".git"), pinned, fixture.worktree);
    assert.equal(bin, path.join(fixture.worktree, "node_modules/.slipway-corepack/bin"));
    const sandbox = withPinnedManagerPath(fixture.context.sandbox, bin);
    const context = { ...fixture.context, sandbox };
    const result = await runCommandTool.run({ command: "pnpm --version" }, context);
    assert.match(result.text, /exit code 0\npinned-pnpm --version/);
  });

  it("finds no launcher when the base commit pins nothing, or its package.json is a link", async () => {
    const unpinned = await commit(repo, JSON.stringify({ name: "x" }));
    assert.equal(await pinnedManagerBin(path.join(repo, ".git"), unpinned, fixture.worktree), undefined);
    const linked = await commit(repo, null);
    assert.equal(await pinnedManagerBin(path.join(repo, ".git"), linked, fixture.worktree), undefined);
    const npm = await commit(repo, JSON.stringify({ packageManager: "yarn@1.22.19" }));
    // yarn is pinned, but setup wrote no yarn launcher: nothing is put on PATH.
    assert.equal(await pinnedManagerBin(path.join(repo, ".git"), npm, fixture.worktree), undefined);
  });
});
