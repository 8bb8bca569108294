// Tests for collectDiff: new files are included, user git config does not change the result, a
// change over review's limits is counted and refused before its patch is read.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { InputError } from "../../core/errors.ts";
import { defaultReviewLimits, reviewLimitsFor } from "../diff/review-limits.ts";
import { createTempGitRepo, gitMissing, type TempGitRepo } from "../diff/temp-git-repo.ts";
import { chunkDiff } from "../llm-judge/chunk-diff.ts";
import { collectDiff, type GitRunner, stageWorktreeTree } from "./collect-diff.ts";
import { GuardPolicy } from "./guard.ts";
import { runGuards } from "./registry.ts";

describe("collectDiff", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("includes untracked files and changes to tracked ones", async () => {
    repo.write("a.txt", "a\n");
    const base = repo.commit();
    repo.write("a.txt", "b\n");
    repo.write("new dir/new.txt", "new\n");
    const diff = await collectDiff(repo.runGit, base, await stageWorktreeTree(repo.runGit));
    assert.deepEqual(
      diff.files.map(({ path, status }) => `${status} ${path}`),
      ["modified a.txt", "added new dir/new.txt"],
    );
  });

  test("reads the same diff when the repository configures other prefixes and copy detection", async () => {
    repo.write("src/a.ts", "one\ntwo\nthree\nfour\n");
    const base = repo.commit();
    for (const [key, value] of [
      ["diff.noprefix", "true"],
      ["diff.mnemonicPrefix", "true"],
      ["diff.renames", "copies"],
      ["color.ui", "always"],
    ]) {
      repo.git(["config", key!, value!]);
    }
    repo.write("src/b.ts", "one\ntwo\nthree\nfour\n");
    repo.write("src/a.ts", "one\ntwo\nthree\nfour\nfive\n");
    const diff = await collectDiff(repo.runGit, base, await stageWorktreeTree(repo.runGit));
    assert.deepEqual(
      diff.files.map(({ path, status }) => `${status} ${path}`),
      ["modified src/a.ts", "added src/b.ts"],
    );
    assert.equal(diff.files[1]!.oldPath, undefined);
    assert.equal(diff.files[1]!.addedLines.length, 4);
  });

  test("diffs against the tree it is given, not what the worktree holds later", async () => {
    repo.write("a.txt", "a\n");
    const base = repo.commit();
    repo.write("a.txt", "reviewed\n");
    const tree = await stageWorktreeTree(repo.runGit);
    repo.write("a.txt", "written after the tree was frozen\n");
    repo.write("late.txt", "late\n");
    const diff = await collectDiff(repo.runGit, base, tree);
    assert.deepEqual(
      diff.files.map(({ path }) => path),
      ["a.txt"],
    );
    assert.deepEqual(
      diff.files[0]!.addedLines.map(({ text }) => text),
      ["reviewed"],
    );
  });

  test("reads the lines of files git shows as binary, and says what each binary change is", async () => {
    repo.write("src/a.ts", "export const a = 1;\n");
    repo.write("img/logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1]));
    const base = repo.commit();
    repo.write("src/a.ts", "export const a = 1;\0\nrunBackdoor();\n");
    repo.write(".gitattributes", "*.js -diff\n");
    repo.write("src/b.js", "module.exports = () => eval(process.env.X);\n");
    repo.write("img/logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 2, 3]));
    const diff = await collectDiff(repo.runGit, base, await stageWorktreeTree(repo.runGit));
    const byPath = new Map(diff.files.map((file) => [file.path, file]));
    const source = byPath.get("src/a.ts")!;
    assert.equal(source.binary, true);
    assert.deepEqual(
      source.addedLines.map(({ text }) => text),
      ["export const a = 1;\0", "runBackdoor();"],
    );
    assert.deepEqual(source.binaryChange, {
      oldSize: 20,
      newSize: 36,
      reason: "nul-bytes",
      contentType: "data with NUL bytes",
    });
    const script = byPath.get("src/b.js")!;
    assert.equal(script.binary, true);
    assert.deepEqual(script.binaryChange, { newSize: 44, reason: "attributes", contentType: "text" });
    assert.deepEqual(
      script.addedLines.map(({ text }) => text),
      ["module.exports = () => eval(process.env.X);"],
    );
    assert.equal(byPath.get("img/logo.png")!.binaryChange?.contentType, "PNG image");
    assert.equal(byPath.get(".gitattributes")!.binary, false);
  });

  test("refuses a base or a target that git would read as an option", async () => {
    const base = repo.commit();
    await assert.rejects(collectDiff(repo.runGit, "--output=/tmp/x", base), InputError);
    await assert.rejects(collectDiff(repo.runGit, base, "--output=/tmp/x"), InputError);
  });

  /** The runner, recording which git commands ran: a patch is any `diff` that is not a listing. */
  function recording(): { runGit: GitRunner; patches: () => number; caps: (number | undefined)[] } {
    const commands: string[][] = [];
    const caps: (number | undefined)[] = [];
    const listing = (args: string[]) => args.includes("--raw") || args.includes("--numstat");
    const runGit: GitRunner = (args, options) => {
      commands.push(args);
      if (args[0] === "diff" && !listing(args)) caps.push(options?.maxOutputBytes);
      return repo.runGit(args, options);
    };
    return {
      runGit,
      patches: () => commands.filter((args) => args[0] === "diff" && !listing(args)).length,
      caps,
    };
  }

  test("refuses many short lines by git's counts, without reading the patch (red team R10)", async () => {
    repo.write("a.txt", "a\n");
    const base = repo.commit();
    repo.write("data.txt", "a\n".repeat(5_000));
    repo.write("image.bin", `\0${"b\n".repeat(3_000)}`);
    const tree = await stageWorktreeTree(repo.runGit);
    const policy = GuardPolicy.parse({ maxLinesChanged: 6_000 });
    const { runGit, patches } = recording();
    const diff = await collectDiff(runGit, base, tree, reviewLimitsFor(policy));
    assert.equal(patches(), 0);
    // The binary file's lines count too: git's numstat says "-" for it, its blob holds 3,000.
    assert.match(diff.unread ?? "", /adds and removes 8000 lines, more than the limit of 6000/);
    assert.deepEqual(
      diff.files.map(({ path, status, addedLines }) => `${path} ${status} ${addedLines.length}`),
      ["data.txt added 0", "image.bin added 0"],
    );
    const report = runGuards(diff, policy);
    assert.deepEqual(
      report.findings.map(({ guard, message }) => `${guard}: ${message}`),
      [`size: ${diff.unread}`],
    );
    // Fail closed: nothing unread ever reaches the judge as an empty-looking change.
    assert.throws(() => chunkDiff(diff, 60_000), /cannot review a change whose patch was not read/);
  });

  test("refuses a change over the file or byte limit without reading the patch", async () => {
    repo.write("a.txt", "a\n");
    const base = repo.commit();
    repo.write("long.txt", `${"x".repeat(5_000)}\n`);
    for (const name of ["b", "c", "d"]) repo.write(`${name}.txt`, "b\n");
    const tree = await stageWorktreeTree(repo.runGit);
    const { runGit, patches, caps } = recording();
    const byBytes = await collectDiff(runGit, base, tree, { ...defaultReviewLimits, maxBytes: 4_000 });
    assert.match(byBytes.unread ?? "", /hold 5,007 bytes .*more than review reads \(4,000\)/);
    const byFiles = await collectDiff(runGit, base, tree, { ...defaultReviewLimits, maxFiles: 3 });
    assert.match(byFiles.unread ?? "", /touches 4 files, more than the limit of 3/);
    assert.equal(patches(), 0);
    const within = await collectDiff(runGit, base, tree, { ...defaultReviewLimits, maxBytes: 6_000 });
    assert.equal(within.unread, undefined);
    assert.equal(patches(), 1);
    // The patch is read with a cap from git's own counts: this small change's, not a fixed 256 MiB.
    assert.ok(caps[0] !== undefined && caps[0] > 5_000 && caps[0] < 200_000, String(caps[0]));
  });
});
