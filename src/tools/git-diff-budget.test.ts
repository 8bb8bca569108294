// The git tool's diff budget, pure parts: which options read content, which raw entries git would hash.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diffReadsContent, worktreeSidePaths } from "./git-diff-budget.ts";

describe("git diff budget", () => {
  test("only names-and-modes output skips the content", () => {
    assert.equal(diffReadsContent([]), true);
    assert.equal(diffReadsContent(["--stat"]), true);
    assert.equal(diffReadsContent(["--name-status"]), false);
    assert.equal(diffReadsContent(["--raw", "-M"]), false);
    assert.equal(diffReadsContent(["--name-only", "-p"]), true);
    assert.equal(diffReadsContent(["--name-only", "--numstat"]), true);
  });

  test("raw entries with no object on the new side, deletions left out, odd names kept whole", () => {
    const zero = "0".repeat(40);
    const raw = [
      `:100644 100644 ${"a".repeat(40)} ${zero} M`,
      "big.bin",
      `:100644 000000 ${"b".repeat(40)} ${zero} D`,
      "gone.txt",
      `:100644 100644 ${"c".repeat(40)} ${"d".repeat(40)} M`,
      "committed.txt",
      `:100644 100644 ${"e".repeat(40)} ${zero} M`,
      "name with\nnewline",
      "",
    ].join("\0");
    assert.deepEqual(worktreeSidePaths(raw), ["big.bin", "name with\nnewline"]);
    assert.deepEqual(worktreeSidePaths(""), []);
  });
});
