// list_files: sorted listing, depth bound, skipped directories and the count cap.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { listFilesTool, maxListedEntries } from "./list-files.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";

describe("list_files", () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture();
    await fixture.write("README.md", "# demo\n");
    await fixture.write("src/index.ts", "export {};\n");
    await fixture.write("src/lib/deep/util.ts", "export {};\n");
    await fixture.write(".git/HEAD", "ref: refs/heads/main\n");
    await fixture.write("node_modules/left-pad/index.js", "module.exports = 1;\n");
    for (let index = 0; index < maxListedEntries + 5; index++) {
      await fixture.write(`many/file-${String(index).padStart(4, "0")}.txt`, "");
    }
  });
  after(() => fixture.dispose());

  test("lists files sorted, marks node_modules as skipped and hides .git", async () => {
    const result = await fixture.call(listFilesTool, { path: "src" });
    assert.equal(result.isError, false);
    assert.equal(result.text, "src: 2 entries (maxDepth 3)\nsrc/index.ts\nsrc/lib/deep/util.ts");
    const root = await fixture.call(listFilesTool, { maxDepth: 1 });
    assert.equal(
      root.text,
      [
        ".: 4 entries (maxDepth 1)",
        "README.md",
        "many/ (not expanded: deeper than maxDepth)",
        "node_modules/ (skipped)",
        "src/ (not expanded: deeper than maxDepth)",
      ].join("\n"),
    );
  });

  test("stops at the entry cap and says so", async () => {
    const result = await fixture.call(listFilesTool, { path: "many" });
    const lines = result.text.split("\n");
    assert.equal(lines[0], `many: ${maxListedEntries} entries (maxDepth 3)`);
    assert.equal(lines.length, maxListedEntries + 2);
    assert.equal(
      lines.at(-1),
      `[listing stopped at ${maxListedEntries} entries; list a subdirectory or lower maxDepth]`,
    );
  });

  test("refuses a file and a missing directory with a pointer to the right tool", async () => {
    const file = await fixture.call(listFilesTool, { path: "README.md" });
    assert.deepEqual(file, {
      text: "README.md is a file, not a directory; use read_file to read it",
      isError: true,
    });
    const missing = await fixture.call(listFilesTool, { path: "nowhere" });
    assert.equal(missing.isError, true);
    assert.match(missing.text, /^directory not found: nowhere/);
  });
});
