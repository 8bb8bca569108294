// read_file: numbered line ranges, defaults, and the files it refuses.
import assert from "node:assert/strict";
import { truncate } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultLineWindow, maxStreamedBytes, readFileTool } from "./read-file.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";

function numberedFile(count: number): string {
  const lines = Array.from({ length: count }, (_, index) => `line ${index + 1}`);
  return `${lines.join("\n")}\n`;
}

describe("read_file", () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture();
    await fixture.write("src/five.txt", "alpha\nbeta\r\ngamma\ndelta\nepsilon");
    await fixture.write("long.txt", numberedFile(1200));
    await fixture.write("empty.txt", "");
    await fixture.write("image.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    // Larger than the whole-file limit, so it is streamed and only the range is read.
    await fixture.write("huge.txt", numberedFile(300_000));
  });
  after(() => fixture.dispose());

  test("shows the whole small file, numbered, with a header naming the range", async () => {
    const result = await fixture.call(readFileTool, { path: "src/five.txt" });
    assert.equal(result.isError, false);
    assert.equal(
      result.text,
      "src/five.txt: lines 1-5 of 5\n1 | alpha\n2 | beta\n3 | gamma\n4 | delta\n5 | epsilon",
    );
  });

  test("shows only the requested line range", async () => {
    const result = await fixture.call(readFileTool, { path: "long.txt", startLine: 998, endLine: 1001 });
    assert.equal(
      result.text,
      "long.txt: lines 998-1001 of 1,200\n 998 | line 998\n 999 | line 999\n1000 | line 1000\n1001 | line 1001",
    );
  });

  test("clips an endLine past the end of the file", async () => {
    const result = await fixture.call(readFileTool, { path: "src/five.txt", startLine: 4, endLine: 99 });
    assert.equal(result.text, "src/five.txt: lines 4-5 of 5\n4 | delta\n5 | epsilon");
  });

  test("without endLine shows a bounded window and says how to read on", async () => {
    const result = await fixture.call(readFileTool, { path: "long.txt" });
    const lines = result.text.split("\n");
    assert.equal(lines[0], `long.txt: lines 1-${defaultLineWindow} of 1,200`);
    assert.equal(lines.length, defaultLineWindow + 2);
    assert.equal(
      lines.at(-1),
      `[700 lines more; call read_file with startLine ${defaultLineWindow + 1} to read on]`,
    );
  });

  test("refuses a startLine past the end", async () => {
    const result = await fixture.call(readFileTool, { path: "src/five.txt", startLine: 6 });
    assert.equal(result.isError, true);
    assert.equal(result.text, "startLine 6 is past the end of src/five.txt, which has 5 lines");
  });

  test("refuses an endLine before the startLine", async () => {
    const result = await fixture.call(readFileTool, { path: "long.txt", startLine: 10, endLine: 5 });
    assert.equal(result.isError, true);
    assert.equal(result.text, "endLine (5) is before startLine (10)");
  });

  test("says an empty file is empty", async () => {
    const result = await fixture.call(readFileTool, { path: "empty.txt" });
    assert.deepEqual(result, {
      text: "empty.txt: empty file (0 lines)",
      isError: false,
      touchedPath: "empty.txt",
    });
  });

  test("refuses a binary file", async () => {
    const result = await fixture.call(readFileTool, { path: "image.png" });
    assert.equal(result.isError, true);
    assert.equal(result.text, "image.png is a binary file (7 bytes); read_file shows text only");
  });

  test("reports a missing file and points at list_files", async () => {
    const result = await fixture.call(readFileTool, { path: "nope.txt" });
    assert.equal(result.isError, true);
    assert.match(result.text, /^file not found: nope\.txt; use list_files/);
  });

  test("refuses a directory and points at list_files", async () => {
    const result = await fixture.call(readFileTool, { path: "src" });
    assert.equal(result.isError, true);
    assert.equal(result.text, "src is a directory; use list_files to see its contents");
  });

  test("reads a range of a huge file without counting all its lines", async () => {
    const result = await fixture.call(readFileTool, {
      path: "huge.txt",
      startLine: 100_000,
      endLine: 100_001,
    });
    assert.equal(result.isError, false);
    const lines = result.text.split("\n");
    assert.match(
      lines[0] ?? "",
      /^huge\.txt: lines 100000-100001 of a \d+\.\d MB file \(too large to count its lines\)$/,
    );
    assert.deepEqual(lines.slice(1), [
      "100000 | line 100000",
      "100001 | line 100001",
      "[call read_file with startLine 100002 to read on]",
    ]);
  });

  test("stops reading a huge file at maxStreamedBytes and says so", async () => {
    // A sparse gigabyte: text where the binary sniff looks, then one endless line of NUL bytes.
    await fixture.write("sparse.txt", numberedFile(1_000));
    await truncate(path.join(fixture.worktree, "sparse.txt"), 16 * maxStreamedBytes);
    const result = await fixture.call(readFileTool, { path: "sparse.txt", startLine: 5_000 });
    assert.deepEqual(result, {
      text: "startLine 5000 is past the end of sparse.txt, which has 1,001 lines (read_file reads the first 64 MB only)",
      isError: true,
    });
  });
});
