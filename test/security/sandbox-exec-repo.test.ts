// Security: `slipway sandbox exec --repo DIR` exposes a repository as a run does (a fresh worktree of
// its mirror), so a command cannot plant a hook or config in the repository's `.git` for the user's
// next git command to run (breach 13); on bwrap and docker.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { removeLeftoverContainers } from "../../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../../src/sandbox/docker/test-image.ts";
import { cliEnv, runCli } from "../helpers/cli.ts";
import { git, makeRepo, tempDir } from "../helpers/git-fixture.ts";

const bwrap = await bwrapSandboxBackend.availability();
const dockerReason = await dockerTestSkipReason();
const backends = [
  { name: "bwrap", skip: bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`, config: "" },
  {
    name: "docker",
    skip: dockerReason ? `no Docker engine here: ${dockerReason}` : false,
    config: `sandbox:\n  dockerImage: ${testImage}\n  dockerHostToolchain: true\n`,
  },
];
for (const { name, skip } of backends)
  if (skip) console.log(`# sandbox exec --repo on ${name}: skipped, ${skip}`);

const created: string[] = [];
after(async () => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
  if (!backends[1]?.skip) await removeLeftoverContainers({ maxAgeMs: 60 * 60_000 });
});

function directory(prefix: string): string {
  const made = tempDir(prefix);
  created.push(made);
  return made;
}

/** Every file under `root` with its mode and content hash: any change to `.git` shows. */
function snapshot(root: string, relative = ""): string[] {
  const entries: string[] = [];
  for (const name of readdirSync(path.join(root, relative)).sort()) {
    const file = path.join(relative, name);
    const stat = statSync(path.join(root, file));
    if (stat.isDirectory()) entries.push(`${file}/ ${stat.mode}`, ...snapshot(root, file));
    else {
      const hash = createHash("sha256")
        .update(readFileSync(path.join(root, file)))
        .digest("hex");
      entries.push(`${file} ${stat.mode} ${hash}`);
    }
  }
  return entries;
}

/** What a hostile command tries: a hook and an fsmonitor in `.git`, then a change to a tracked file. */
const attack = [
  "cat a.txt",
  "mkdir -p .git/hooks 2>/dev/null",
  "printf '#!/bin/sh\\ntouch /tmp/slipway-pwned\\n' > .git/hooks/pre-commit 2>/dev/null",
  "chmod +x .git/hooks/pre-commit 2>/dev/null",
  "printf '[core]\\n\\tfsmonitor = /tmp/slipway-pwned\\n' >> .git/config 2>/dev/null",
  "echo changed > a.txt",
  "echo attack-ran",
].join("; ");

describe("sandbox exec --repo and the repository's .git (breach 13)", () => {
  for (const { name, skip, config } of backends) {
    test(`a command cannot write the repository's .git, and its changes stay out (${name})`, {
      skip,
    }, async () => {
      const repo = makeRepo({ "a.txt": "one\n", "sub/b.txt": "two\n" });
      created.push(repo);
      const before = snapshot(path.join(repo, ".git"));
      const dataDir = directory("data");
      const cwd = directory("cwd");
      if (config) writeFileSync(path.join(cwd, "slipway.yaml"), config);
      const args = ["--data-dir", dataDir, "sandbox", "exec", "--backend", name, "--repo", repo, "--", "sh"];
      const result = await runCli([...args, "-c", attack], { env: cliEnv({}), cwd });

      assert.equal(result.code, 0, result.stderr);
      // Positive control: the command ran, on the repository's committed content.
      assert.match(result.stdout, /^one\nattack-ran\n$/);
      assert.deepEqual(snapshot(path.join(repo, ".git")), before, "the repository's .git is unchanged");
      assert.equal(readFileSync(path.join(repo, "a.txt"), "utf8"), "one\n");
      assert.match(result.stderr, /fresh worktree of .* at HEAD/);
      // Nothing left behind: no worktree, no branch in the mirror.
      assert.deepEqual(readdirSync(path.join(dataDir, "worktrees")), []);
      const [mirror] = readdirSync(path.join(dataDir, "mirrors")).filter((entry) => entry.endsWith(".git"));
      assert.doesNotMatch(git(path.join(dataDir, "mirrors", mirror!), "branch", "--list"), /exec-/);
    });
  }

  test("a directory inside a repository starts the command in that directory of the worktree", {
    skip: backends[0]!.skip,
  }, async () => {
    const repo = makeRepo({ "a.txt": "one\n", "sub/b.txt": "two\n" });
    created.push(repo);
    const ran = await runCli(
      [
        "--data-dir",
        directory("data"),
        "sandbox",
        "exec",
        "--backend",
        "bwrap",
        "--repo",
        path.join(repo, "sub"),
        "--",
        "cat",
        "b.txt",
      ],
      { env: cliEnv({}), cwd: directory("cwd") },
    );
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, "two\n");
  });

  test("a plain directory holding a repository is refused with one line", async () => {
    const plain = directory("plain");
    mkdirSync(path.join(plain, "nested", ".git"), { recursive: true });
    const result = await runCli(
      [
        "--data-dir",
        directory("data"),
        "sandbox",
        "exec",
        "--backend",
        "none",
        "--repo",
        plain,
        "--",
        "true",
      ],
      { env: cliEnv({}), cwd: directory("cwd") },
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr.trim(),
      /^[^\n]*holds a git repository at .*nested\/\.git; pass the repository's own directory/,
    );
  });
});
