// Tests for parseDiff on real git output: statuses, renames, binary files, quoting, line numbers.
import assert from "node:assert/strict";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { diffArguments } from "../guards/collect-diff.ts";
import { readQuoted } from "./git-path.ts";
import { type DiffFile, type ParsedDiff, parseDiff } from "./parse-diff.ts";
import { createTempGitRepo, gitMissing, type TempGitRepo } from "./temp-git-repo.ts";

function fileAt(diff: ParsedDiff, path: string): DiffFile {
  const file = diff.files.find((candidate) => candidate.path === path);
  assert.ok(file, `no file ${path} in ${diff.files.map((candidate) => candidate.path).join(", ")}`);
  return file;
}

describe("parseDiff on real git output", { skip: gitMissing }, () => {
  let repo: TempGitRepo;
  beforeEach(() => {
    repo = createTempGitRepo();
  });
  afterEach(() => repo.cleanup());

  test("numbers added lines in the new file and removed lines in the old file", async () => {
    repo.write("list.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n");
    const base = repo.commit();
    repo.write("list.txt", "one\nTWO\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n");
    const file = fileAt(await repo.diff(base), "list.txt");
    assert.equal(file.status, "modified");
    assert.deepEqual(file.removedLines, [{ line: 2, text: "two" }]);
    assert.deepEqual(file.addedLines, [
      { line: 2, text: "TWO" },
      { line: 11, text: "eleven" },
    ]);
    assert.equal(file.hunks.length, 2);
  });

  test("reads new, deleted and empty new files", async () => {
    repo.write("gone.txt", "bye\n");
    const base = repo.commit();
    repo.remove("gone.txt");
    repo.write("new.txt", "hello\nworld\n");
    repo.write("empty.txt", "");
    const diff = await repo.diff(base);
    assert.deepEqual(fileAt(diff, "gone.txt").removedLines, [{ line: 1, text: "bye" }]);
    assert.equal(fileAt(diff, "gone.txt").status, "deleted");
    assert.equal(fileAt(diff, "new.txt").status, "added");
    assert.deepEqual(fileAt(diff, "new.txt").addedLines, [
      { line: 1, text: "hello" },
      { line: 2, text: "world" },
    ]);
    assert.equal(fileAt(diff, "empty.txt").status, "added");
    assert.equal(fileAt(diff, "empty.txt").addedLines.length, 0);
  });

  test("reports a rename with both paths and only the lines that changed", async () => {
    const lines = Array.from({ length: 12 }, (_, index) => `line ${index + 1}`).join("\n");
    repo.write("src/old name.ts", `${lines}\n`);
    const base = repo.commit();
    repo.move("src/old name.ts", "lib/new name.ts");
    repo.write("lib/new name.ts", `${lines}\nline 13\n`);
    const file = fileAt(await repo.diff(base), "lib/new name.ts");
    assert.equal(file.status, "renamed");
    assert.equal(file.oldPath, "src/old name.ts");
    assert.deepEqual(file.addedLines, [{ line: 13, text: "line 13" }]);
    assert.deepEqual(file.removedLines, []);
  });

  test("marks the files git prints as binary and gives them no lines", async () => {
    repo.write("image one.png", new Uint8Array([0x89, 0x50, 0x00, 0x01, 0x02]));
    const base = repo.commit();
    repo.write("image one.png", new Uint8Array([0x89, 0x50, 0x00, 0x03]));
    repo.write("new blob.bin", new Uint8Array([0x00, 0xff, 0x00]));
    repo.git(["add", "--all"]);
    // Without --text (collectDiff passes it, and reads every file's lines).
    const diff = parseDiff(repo.git(["diff", "--cached", ...diffArguments, base]));
    assert.equal(fileAt(diff, "image one.png").binary, true);
    assert.equal(fileAt(diff, "image one.png").status, "modified");
    assert.equal(fileAt(diff, "new blob.bin").binary, true);
    assert.equal(fileAt(diff, "new blob.bin").status, "added");
    assert.deepEqual(fileAt(diff, "new blob.bin").addedLines, []);
  });

  test("ignores the no-newline marker and keeps counting lines", async () => {
    repo.write("tail.txt", "a\nb");
    const base = repo.commit();
    repo.write("tail.txt", "a\nB\nc");
    const file = fileAt(await repo.diff(base), "tail.txt");
    assert.deepEqual(file.removedLines, [{ line: 2, text: "b" }]);
    assert.deepEqual(file.addedLines, [
      { line: 2, text: "B" },
      { line: 3, text: "c" },
    ]);
  });

  test("decodes quoted paths: spaces, quotes, tabs and unicode names", async () => {
    repo.write("keep.txt", "x\n");
    const base = repo.commit();
    repo.write("dir with space/file name.txt", "spaced\n");
    repo.write('quote"d.txt', "quoted\n");
    repo.write("tab\there.txt", "tabbed\n");
    repo.write("ünï cödé/naïve 文件.txt", "unicode\n");
    const diff = await repo.diff(base);
    assert.deepEqual(fileAt(diff, "dir with space/file name.txt").addedLines, [{ line: 1, text: "spaced" }]);
    assert.deepEqual(fileAt(diff, 'quote"d.txt').addedLines, [{ line: 1, text: "quoted" }]);
    assert.deepEqual(fileAt(diff, "tab\there.txt").addedLines, [{ line: 1, text: "tabbed" }]);
    assert.deepEqual(fileAt(diff, "ünï cödé/naïve 文件.txt").addedLines, [{ line: 1, text: "unicode" }]);
  });

  test("decodes quoted names in rename and deletion headers", async () => {
    const lines = Array.from({ length: 8 }, (_, index) => `row ${index}`).join("\n");
    repo.write("ünï old.txt", `${lines}\n`);
    repo.write("gone with space.txt", "bye\n");
    const base = repo.commit();
    repo.move("ünï old.txt", "dïr/ünï new.txt");
    repo.remove("gone with space.txt");
    const diff = await repo.diff(base);
    const renamed = fileAt(diff, "dïr/ünï new.txt");
    assert.equal(renamed.status, "renamed");
    assert.equal(renamed.oldPath, "ünï old.txt");
    assert.deepEqual(fileAt(diff, "gone with space.txt").removedLines, [{ line: 1, text: "bye" }]);
  });

  test("reads unicode names that git prints unquoted with core.quotePath off", async () => {
    repo.write("keep.txt", "x\n");
    const base = repo.commit();
    repo.write("ünï cödé.txt", "raw\n");
    repo.git(["add", "--all"]);
    const text = repo.git(["-c", "core.quotePath=false", "diff", "--cached", ...diffArguments, base]);
    assert.deepEqual(fileAt(parseDiff(text), "ünï cödé.txt").addedLines, [{ line: 1, text: "raw" }]);
  });

  test("reads a path with spaces from the diff --git line when a file has no content lines", async () => {
    repo.write("run me.sh", "echo\n");
    const base = repo.commit();
    chmodSync(join(repo.dir, "run me.sh"), 0o755);
    repo.write("empty space.txt", "");
    repo.write("x b/y b/z.txt", "");
    const diff = await repo.diff(base);
    assert.equal(fileAt(diff, "run me.sh").status, "modified");
    assert.equal(fileAt(diff, "empty space.txt").status, "added");
    assert.equal(fileAt(diff, "x b/y b/z.txt").status, "added");
  });

  test("does not mistake content that looks like a header for one", async () => {
    repo.write("notes.txt", "-- a/notes.txt\n++ b/x\nkeep\n");
    const base = repo.commit();
    repo.write("notes.txt", "keep\n++ b/y\n");
    const diff = await repo.diff(base);
    assert.equal(diff.files.length, 1);
    const file = fileAt(diff, "notes.txt");
    assert.deepEqual(
      file.removedLines.map(({ text }) => text),
      ["-- a/notes.txt", "++ b/x"],
    );
    assert.deepEqual(file.addedLines, [{ line: 2, text: "++ b/y" }]);
  });

  test("reads empty context lines printed without their space (diff.suppressBlankEmpty)", async () => {
    repo.write("gaps.txt", "a\n\nb\n\nc\n");
    const base = repo.commit();
    repo.write("gaps.txt", "a\n\nB\n\nc\n");
    repo.git(["add", "--all"]);
    const text = repo.git(["-c", "diff.suppressBlankEmpty=true", "diff", "--cached", ...diffArguments, base]);
    const file = fileAt(parseDiff(text), "gaps.txt");
    assert.deepEqual(file.addedLines, [{ line: 3, text: "B" }]);
    assert.deepEqual(file.removedLines, [{ line: 3, text: "b" }]);
  });
});

describe("readQuoted", () => {
  test("decodes octal UTF-8 bytes and C escapes", () => {
    assert.deepEqual(readQuoted('"a/\\303\\274 \\"q\\" \\\\ \\t.txt" rest'), {
      value: 'a/ü "q" \\ \t.txt',
      rest: " rest",
    });
  });

  test("refuses a string without a closing quote", () => {
    assert.equal(readQuoted('"a/open'), undefined);
  });
});
