// The git tool on a real mirror and worktree: the four read-only subcommands work, everything else
// (add included) is refused, paths stay inside the worktree, output is capped, and no hook or config
// of the worktree runs.
import assert from "node:assert/strict";
import { chmodSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { git, makeRepo, tempDir } from "../../test/helpers/git-fixture.ts";
import { gitTool } from "./git.ts";
import { parseGitArguments } from "./git-arguments.ts";
import { runTool } from "./run-tool.ts";
import type { ToolContext, ToolResult } from "./tool.ts";
import { createGitToolFixture, type GitToolFixture } from "./tool-fixture.ts";

describe("git tool", () => {
  let source = "";
  let markers = "";
  let fixture: GitToolFixture;
  let worktree = "";
  let context: ToolContext;
  const call = (input: unknown): Promise<ToolResult> => fixture.call(gitTool, input);

  before(async () => {
    source = makeRepo({ "a.txt": "one\n", "src/b.txt": "two\n" });
    git(source, "commit", "--quiet", "--allow-empty", "-m", "second commit");
    markers = tempDir("git-tool-markers");
    fixture = await createGitToolFixture(source, "git-tool");
    ({ worktree, context } = fixture);
  });

  after(async () => {
    await fixture.dispose();
    for (const directory of [source, markers]) rmSync(directory, { recursive: true, force: true });
  });

  test("status and diff show the agent's change; diff --cached shows what is staged", async () => {
    writeFileSync(path.join(worktree, "a.txt"), "one\nmore\n");
    const status = await call({ command: "status", args: ["--short"] });
    assert.equal(status.text, "$ git status --short\n M a.txt");
    const diff = await call({ command: "diff" });
    assert.equal(diff.isError, false);
    assert.match(diff.text, /^\+more$/m);
    assert.equal(
      (await call({ command: "diff", args: ["--cached"] })).text,
      "$ git diff --cached\n(no output)",
    );
  });

  test("log and show read history, with a default count and rev:path", async () => {
    const log = await call({ command: "log", args: ["--oneline", "-n", "1"] });
    assert.match(log.text, /^\$ git log --oneline -n 1\n[0-9a-f]+ second commit$/);
    const show = await call({ command: "show", args: ["HEAD~1:src/b.txt"] });
    assert.equal(show.text, "$ git show 'HEAD~1:src/b.txt'\ntwo");
    assert.deepEqual(
      parseGitArguments("log", [], () => false),
      {
        ok: true,
        request: { command: "log", options: ["--max-count=30"], revisions: [], paths: [] },
      },
    );
  });

  test("refuses options that write files, run programs or change repositories", async () => {
    const attempts = [
      { command: "diff", args: ["--output=/tmp/slipway-pwned"] },
      { command: "diff", args: ["--ext-diff"] },
      { command: "log", args: ["--textconv", "-p"] },
      { command: "diff", args: ["--no-index", "/etc/passwd", "a.txt"] },
      { command: "show", args: ["-O/etc/passwd"] },
      { command: "status", args: ["-c", "core.fsmonitor=touch /tmp/x"] },
    ];
    for (const input of attempts) {
      const result = await call(input);
      assert.equal(result.isError, true, JSON.stringify(input));
      assert.match(result.text, /^refused: git \w+ does not allow/, JSON.stringify(input));
    }
  });

  test("refuses other subcommands and revisions that could be read as options", async () => {
    for (const command of ["add", "push", "commit", "config", "remote", "checkout"]) {
      const result = await call({ command, args: [] });
      assert.equal(result.isError, true);
      assert.match(result.text, /invalid arguments for git: command/);
    }
    assert.deepEqual(
      parseGitArguments("diff", ["HEAD", "main", "other"], () => false),
      {
        ok: false,
        reason: "git diff takes at most 2 revisions here",
      },
    );
  });

  test("paths must stay inside the worktree", async () => {
    symlinkSync(markers, path.join(worktree, "escape"));
    const outside = await call({ command: "diff", args: ["--", "../../../etc/passwd"] });
    assert.equal(outside.isError, true);
    assert.match(outside.text, /outside the worktree/);
    const throughLink = await call({ command: "status", args: ["--", "escape/x"] });
    assert.match(throughLink.text, /outside the worktree/);
    rmSync(path.join(worktree, "escape"));
  });

  test("pathspec magic is read literally, not as an exclusion or a glob", async () => {
    writeFileSync(path.join(worktree, "src", "b.txt"), "two\nchanged\n");
    const magic = await call({ command: "diff", args: ["--name-only", "--", ":(exclude)a.txt"] });
    assert.equal(magic.text, "$ git diff --name-only -- ':(exclude)a.txt'\n(no output)");
    git(worktree, "checkout", "--", "src/b.txt");
  });

  test("output beyond the cap ends the call with advice to narrow it", async () => {
    writeFileSync(path.join(worktree, "big.txt"), `${"x".repeat(200)}\n`.repeat(8_000));
    git(worktree, "add", "-N", "--", "big.txt");
    const result = await call({ command: "diff" });
    assert.equal(result.isError, true);
    assert.match(result.text, /printed more than 1,048,576 bytes; narrow it/);
    git(worktree, "rm", "--cached", "--quiet", "big.txt");
    rmSync(path.join(worktree, "big.txt"));
  });

  test("runs none of the hooks, fsmonitor, pager or diff driver a replaced .git would carry", async () => {
    // The agent swaps the worktree's .git file for a repository of its own, armed.
    const evil = path.join(worktree, ".git");
    rmSync(evil);
    git(worktree, "init", "--quiet");
    const marker = (name: string) => `#!/bin/sh\ntouch '${path.join(markers, name)}'\n`;
    for (const hook of ["pre-commit", "post-index-change", "reference-transaction"]) {
      writeFileSync(path.join(evil, "hooks", hook), marker(hook));
      chmodSync(path.join(evil, "hooks", hook), 0o755);
    }
    const script = path.join(worktree, "armed.sh");
    writeFileSync(script, marker("program"));
    chmodSync(script, 0o755);
    for (const key of ["core.fsmonitor", "core.pager", "diff.external", "core.hooksPath"])
      git(worktree, "config", key, key === "core.hooksPath" ? path.join(evil, "hooks") : script);
    writeFileSync(path.join(worktree, "a.txt"), "changed again\n");
    for (const input of [
      { command: "status", args: [] },
      { command: "diff", args: [] },
      { command: "log", args: ["-p"] },
      { command: "show", args: [] },
    ]) {
      const result = await call(input);
      assert.equal(result.isError, false, result.text);
    }
    assert.deepEqual(readdirSync(markers), []);
    // The tool read the mirror's record of the worktree (a.txt tracked and modified), not the planted repo.
    assert.match((await call({ command: "status", args: ["--short"] })).text, /^ M a\.txt$/m);
    // The trap was live: plain git in the worktree, as a naive platform would run it, springs it.
    git(worktree, "status");
    assert.ok(readdirSync(markers).length > 0, "the planted fsmonitor or hooks ran under plain git");
  });

  test("without a mirror the tool says git is unavailable", async () => {
    const { mirrorPath: _unused, ...withoutMirror } = context;
    const result = await runTool(gitTool, { command: "status" }, withoutMirror, { maxOutputChars: 1000 });
    assert.deepEqual(result, {
      text: "git is not available in this run: the worktree has no mirror",
      isError: true,
    });
  });
});
