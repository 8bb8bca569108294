// Tests for runGit: git's error line reaches the user, inherited repository variables are ignored, waits end.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, test } from "node:test";
import { makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { SlipwayError } from "../core/errors.ts";
import { firstErrorLine, gitArgv, runGit } from "./git.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

describe("runGit", () => {
  test("a failing command throws a workspace_failed error with git's fatal line", async () => {
    const plain = tempDir("plain");
    created.push(plain);
    await assert.rejects(runGit(["rev-parse", "--show-toplevel"], { cwd: plain }), (error: unknown) => {
      assert.ok(SlipwayError.isInstance(error));
      assert.equal(error.code, "workspace_failed");
      assert.match(error.message, /^git rev-parse failed: fatal: not a git repository/);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  });

  test("GIT_DIR and GIT_WORK_TREE from the environment do not redirect git", async () => {
    const decoy = makeRepo({ "decoy.txt": "x\n" });
    const real = makeRepo({ "real.txt": "x\n" });
    created.push(decoy, real);
    process.env.GIT_DIR = `${decoy}/.git`;
    process.env.GIT_WORK_TREE = decoy;
    try {
      const { stdout } = await runGit(["ls-files"], { cwd: real });
      assert.equal(stdout, "real.txt\n");
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_WORK_TREE;
    }
  });

  test("explicit gitDir and workTree come after the hardened settings and before the command", () => {
    const argv = gitArgv(["status"], { gitDir: "/m/worktrees/a", workTree: "/w/a" });
    assert.deepEqual(argv.slice(-3), ["--git-dir=/m/worktrees/a", "--work-tree=/w/a", "status"]);
    assert.ok(argv.includes("core.hooksPath=/dev/null"));
    assert.ok(argv.includes("core.fsmonitor=false"));
  });

  test("a command that outlives its timeout is stopped with a clear error", async () => {
    await assert.rejects(
      runGit(["-c", "alias.hang=!sleep 30", "hang"], { timeoutMs: 200 }),
      /timed out after/,
    );
  });

  test("an aborted signal stops the command", async () => {
    const controller = new AbortController();
    const pending = runGit(["-c", "alias.hang=!sleep 30", "hang"], { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, /cancelled/);
  });

  test("input is passed on stdin", async () => {
    const { stdout } = await runGit(["hash-object", "--stdin"], { input: "hello\n" });
    assert.equal(stdout.trim(), "ce013625030ba8dba906f756967f9e9ca394464a");
  });
});

describe("firstErrorLine", () => {
  test("prefers the fatal line over progress lines before it", () => {
    assert.equal(
      firstErrorLine("Cloning into 'x'...\nfatal: repository 'y' does not exist\n"),
      "fatal: repository 'y' does not exist",
    );
  });

  test("falls back to the first non-empty line", () => {
    assert.equal(firstErrorLine("\n  something odd\nmore\n"), "something odd");
  });
});
