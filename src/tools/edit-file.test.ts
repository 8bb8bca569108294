// edit_file: exact unique replacement, and the errors that tell the model what to do next.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { editFileTool, findOccurrences } from "./edit-file.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";

const original = "function add(a, b) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\n";

describe("edit_file", () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture();
  });
  beforeEach(() => fixture.write("math.js", original));
  after(() => fixture.dispose());

  test("replaces a unique text and reports the changed line range", async () => {
    const result = await fixture.call(editFileTool, {
      path: "math.js",
      oldText: "  return a - b;\n",
      newText: "  const difference = a - b;\n  return difference;\n",
    });
    assert.deepEqual(result, {
      text: "edited math.js: replaced line 6 with lines 6-7 (the file now has 8 lines)",
      isError: false,
      touchedPath: "math.js",
    });
    assert.equal(
      await fixture.read("math.js"),
      original.replace("  return a - b;\n", "  const difference = a - b;\n  return difference;\n"),
    );
  });

  test("inserts replacement text literally, $ patterns included", async () => {
    await fixture.call(editFileTool, { path: "math.js", oldText: "a + b", newText: "$& + $1" });
    assert.match(await fixture.read("math.js"), /return \$& \+ \$1;/);
  });

  test("reports a deletion", async () => {
    const result = await fixture.call(editFileTool, {
      path: "math.js",
      oldText: "\nfunction sub(a, b) {\n  return a - b;\n}\n",
      newText: "",
    });
    assert.equal(result.text, "edited math.js: deleted the text at lines 4-7 (the file now has 3 lines)");
    assert.equal(await fixture.read("math.js"), "function add(a, b) {\n  return a + b;\n}\n");
  });

  test("says when oldText is not found and suggests read_file, leaving the file alone", async () => {
    const result = await fixture.call(editFileTool, {
      path: "math.js",
      oldText: "return a * b;",
      newText: "x",
    });
    assert.equal(result.isError, true);
    assert.match(result.text, /^oldText was not found in math\.js; .*Use read_file/);
    assert.equal(await fixture.read("math.js"), original);
  });

  test("says how many times and where a non-unique oldText occurs", async () => {
    const result = await fixture.call(editFileTool, {
      path: "math.js",
      oldText: "(a, b) {",
      newText: "(a, b, c) {",
    });
    assert.equal(result.isError, true);
    assert.equal(
      result.text,
      "oldText occurs 2 times in math.js (at lines 1, 5); include more surrounding lines so it matches exactly once",
    );
    assert.equal(await fixture.read("math.js"), original);
  });

  test("reports a missing file and points at create_file", async () => {
    const result = await fixture.call(editFileTool, { path: "missing.js", oldText: "a", newText: "b" });
    assert.deepEqual(result, {
      text: "file not found: missing.js; use create_file to make a new file",
      isError: true,
    });
  });

  test("matches LF oldText in a CRLF file and keeps the file's CRLF endings", async () => {
    await fixture.write("windows.txt", "one\r\ntwo\r\nthree\r\n");
    const result = await fixture.call(editFileTool, {
      path: "windows.txt",
      oldText: "two\nthree",
      newText: "2\n3",
    });
    assert.equal(result.isError, false);
    assert.equal(await fixture.read("windows.txt"), "one\r\n2\r\n3\r\n");
  });

  test("refuses identical oldText and newText", async () => {
    const result = await fixture.call(editFileTool, { path: "math.js", oldText: "a + b", newText: "a + b" });
    assert.deepEqual(result, { text: "oldText and newText are identical; nothing to change", isError: true });
  });

  test("counts overlapping occurrences, so an ambiguous match is never edited", () => {
    assert.deepEqual(findOccurrences("aaa", "aa"), [0, 1]);
  });
});
