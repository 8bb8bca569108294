// Tests for reading git's -z listings: which files are binary (renames included) and their blobs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBinaryNumstat, parseRawBlobs } from "./read-binary-changes.ts";

const zeros = "0".repeat(40);
const oldId = "a".repeat(40);
const newId = "b".repeat(40);

test("numstat: binary files by new path, a rename's two names read as one entry", () => {
  const text = [
    "1\t0\t.gitattributes",
    "-\t-\t",
    "old\tname.bin",
    "new\nname.bin",
    "-\t-\tx.png",
    "3\t1\tsrc/a.ts",
    "",
  ].join("\0");
  assert.deepEqual([...parseBinaryNumstat(text)], ["new\nname.bin", "x.png"]);
});

test("raw: old and new blob ids by new path; an added or deleted side has none", () => {
  const text = [
    `:000000 100644 ${zeros} ${newId} A`,
    "added.bin",
    `:100644 100644 ${oldId} ${newId} R087`,
    "from.bin",
    "to.bin",
    `:100644 000000 ${oldId} ${zeros} D`,
    "gone.bin",
    "",
  ].join("\0");
  assert.deepEqual(Object.fromEntries(parseRawBlobs(text)), {
    "added.bin": { newId },
    "to.bin": { oldId, newId },
    "gone.bin": { oldId },
  });
});
