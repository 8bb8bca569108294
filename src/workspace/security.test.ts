// Security: no hook or code-running config of a source, the mirror or an agent-edited worktree runs on the host.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { deliverBranch } from "./deliver.ts";
import { ensureMirror } from "./mirror-cache.ts";
import { resolveRepoSource } from "./repo-source.ts";
import { changedFiles, commitAll, createWorktree, removeWorktree } from "./worktree.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const hookNames = [
  "post-checkout",
  "pre-commit",
  "prepare-commit-msg",
  "commit-msg",
  "post-commit",
  "reference-transaction",
  "post-index-change",
  "post-merge",
  "pre-auto-gc",
  "post-rewrite",
];
const committer = { name: "Slipway", email: "slipway@localhost" };
const branch = "slipway/abc12345";

/** An executable script that leaves `<markers>/<name>` behind when anything runs it. */
function markerScript(file: string, markers: string, name: string, exitCode = 0): void {
  writeFileSync(file, `#!/bin/sh\ntouch '${path.join(markers, name)}'\nexit ${exitCode}\n`);
  chmodSync(file, 0o755);
}

/** Arm a git dir: hooks in its hooks directory and in a core.hooksPath directory, and a core.fsmonitor. */
function armGitDir(gitDir: string, markers: string, label: string): void {
  const hooksPath = path.join(markers, `${label}-hooks`);
  for (const dir of [path.join(gitDir, "hooks"), hooksPath]) {
    mkdirSync(dir, { recursive: true });
    for (const hook of hookNames) markerScript(path.join(dir, hook), markers, `${label}-${hook}`);
  }
  const fsmonitor = path.join(markers, `${label}-fsmonitor.sh`);
  markerScript(fsmonitor, markers, `${label}-fsmonitor`, 1);
  git(gitDir, "config", "core.hooksPath", hooksPath);
  git(gitDir, "config", "core.fsmonitor", fsmonitor);
}

/** Markers are named `<label>-<what>`; the scripts themselves live alongside with other names. */
function markersFound(markers: string): string[] {
  return readdirSync(markers).filter((name) => !name.endsWith("-hooks") && !name.endsWith(".sh"));
}

function plainGit(cwd: string, ...args: string[]): void {
  execFileSync("git", args, {
    cwd,
    stdio: "ignore",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "x",
      GIT_AUTHOR_EMAIL: "x@x",
      GIT_COMMITTER_NAME: "x",
      GIT_COMMITTER_EMAIL: "x@x",
    },
  });
}

describe("hardening against repository hooks and config", () => {
  test("a full mirror, worktree, commit and delivery cycle runs no hook or fsmonitor of the source or the mirror", async () => {
    const source = makeRepo({ "a.txt": "one\n" });
    const dataDir = tempDir("data");
    const markers = tempDir("markers");
    created.push(source, dataDir, markers);
    armGitDir(path.join(source, ".git"), markers, "source");

    const repo = await resolveRepoSource(source);
    const { mirrorPath } = await ensureMirror(repo, dataDir);
    armGitDir(mirrorPath, markers, "mirror");
    await ensureMirror(repo, dataDir);
    const worktreePath = path.join(dataDir, "worktrees", "run_1");
    await createWorktree({ mirrorPath, baseRef: "HEAD", branch, worktreePath });
    writeFileSync(path.join(worktreePath, "a.txt"), "changed\n");
    assert.deepEqual(await changedFiles(mirrorPath, worktreePath), ["a.txt"]);
    const commit = await commitAll({ mirrorPath, worktreePath, message: "change", committer });
    await removeWorktree(mirrorPath, worktreePath);
    await deliverBranch({ mirrorPath, branch, sourcePath: repo });

    assert.equal(git(source, "rev-parse", branch), commit);
    assert.deepEqual(markersFound(markers), []);
    // The fixture is armed: plain git in the source does run its hooks and fsmonitor.
    plainGit(source, "commit", "--allow-empty", "--quiet", "-m", "control");
    assert.ok(markersFound(markers).includes("source-pre-commit"));
    assert.ok(markersFound(markers).includes("source-fsmonitor"));
    plainGit(mirrorPath, "update-ref", "refs/heads/control", "HEAD");
    assert.ok(markersFound(markers).includes("mirror-reference-transaction"));
  });

  test("a worktree whose .git file points at an attacker's git dir never runs that git dir's fsmonitor or hooks", async () => {
    const source = makeRepo({ "a.txt": "one\n" });
    const dataDir = tempDir("data");
    const markers = tempDir("markers");
    const attacker = tempDir("attacker");
    created.push(source, dataDir, markers, attacker);
    const { mirrorPath } = await ensureMirror(source, dataDir);
    const worktreePath = path.join(dataDir, "worktrees", "run_1");
    await createWorktree({ mirrorPath, baseRef: "main", branch, worktreePath });
    const evil = path.join(attacker, "evil.git");
    git(attacker, "init", "--quiet", "--bare", evil);
    git(evil, "config", "core.bare", "false");
    armGitDir(evil, markers, "evil");
    writeFileSync(path.join(worktreePath, ".git"), `gitdir: ${evil}\n`);
    writeFileSync(path.join(worktreePath, "b.txt"), "new\n");

    assert.deepEqual(await changedFiles(mirrorPath, worktreePath), ["b.txt"]);
    const commit = await commitAll({ mirrorPath, worktreePath, message: "add b", committer });

    assert.deepEqual(markersFound(markers), []);
    assert.equal(
      git(mirrorPath, "rev-parse", branch),
      commit,
      "the commit lands in the mirror, not the attacker's git dir",
    );
    assert.equal(git(mirrorPath, "show", `${commit}:b.txt`), "new");
    // The fixture is armed: plain git, trusting the .git file, runs the attacker's fsmonitor.
    plainGit(worktreePath, "status", "--porcelain");
    assert.ok(markersFound(markers).includes("evil-fsmonitor"));
  });
});
