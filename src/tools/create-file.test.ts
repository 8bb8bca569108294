// create_file: creates files and parent directories, and says when it overwrote one.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createFileTool } from "./create-file.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";

describe("create_file", () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture();
  });
  after(() => fixture.dispose());

  test("creates a file and its parent directories", async () => {
    const result = await fixture.call(createFileTool, {
      path: "src/new/deep/file.ts",
      content: "export const a = 1;\nexport const b = 2;\n",
    });
    assert.deepEqual(result, {
      text: "created src/new/deep/file.ts (2 lines)",
      isError: false,
      touchedPath: "src/new/deep/file.ts",
    });
    assert.equal(await fixture.read("src/new/deep/file.ts"), "export const a = 1;\nexport const b = 2;\n");
  });

  test("overwrites an existing file and says so", async () => {
    await fixture.write("notes.txt", "old\ncontent\nhere\n");
    const result = await fixture.call(createFileTool, { path: "notes.txt", content: "new\n" });
    assert.deepEqual(result, {
      text: "overwrote notes.txt (1 line; it had 3 lines)",
      isError: false,
      touchedPath: "notes.txt",
    });
    assert.equal(await fixture.read("notes.txt"), "new\n");
  });

  test("refuses a path that is a directory", async () => {
    await fixture.write("dir/keep.txt", "");
    const result = await fixture.call(createFileTool, { path: "dir", content: "x" });
    assert.deepEqual(result, { text: "dir is a directory; give a file path", isError: true });
  });

  test("refuses a path whose parent is a file", async () => {
    await fixture.write("plain.txt", "");
    const result = await fixture.call(createFileTool, { path: "plain.txt/child.txt", content: "x" });
    assert.deepEqual(result, {
      text: "cannot create plain.txt/child.txt: one of its parent paths is a file",
      isError: true,
    });
  });
});
