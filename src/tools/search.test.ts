// search: git grep through the sandbox — matches, no matches, case, paths, caps and bad patterns.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { formatMatches, maxSearchMatches, searchTool } from "./search.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";

const gitMissing =
  spawnSync("git", ["--version"]).status !== 0 ? "git is not installed on this machine" : false;

describe("search", { skip: gitMissing }, () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture();
    await fixture.write(
      "src/slug.ts",
      "export function slugify(text: string) {\n  return text.toLowerCase();\n}\n",
    );
    await fixture.write("src/other.ts", "// Slugify is used elsewhere\n");
    await fixture.write("docs/notes.md", "slugify notes\n");
    await fixture.write("build/out.js", "slugify built\n");
    await fixture.write(".gitignore", "build/\n");
    await fixture.write(".git/COMMIT_EDITMSG", "slugify in git data\n");
    await fixture.write("blob.bin", new Uint8Array([...Buffer.from("slugify"), 0x00, 0x01]));
  });
  after(() => fixture.dispose());

  test("finds matches as file:line: text and honours .gitignore, skipping binary files and .git", async () => {
    const result = await fixture.call(searchTool, { pattern: "slugify" });
    assert.equal(result.isError, false);
    assert.equal(
      result.text,
      "2 matching lines\ndocs/notes.md:1: slugify notes\nsrc/slug.ts:1: export function slugify(text: string) {",
    );
  });

  test("matches regardless of case when caseSensitive is false", async () => {
    const result = await fixture.call(searchTool, { pattern: "^// slug", caseSensitive: false, path: "src" });
    assert.equal(result.text, "1 matching line\nsrc/other.ts:1: // Slugify is used elsewhere");
  });

  test("says plainly when nothing matches, without an error", async () => {
    const result = await fixture.call(searchTool, { pattern: "no such (thing|words)", path: "src" });
    assert.deepEqual(result, { text: "no matches for /no such (thing|words)/ in src", isError: false });
  });

  test("treats a pattern starting with a dash as a pattern, not an option", async () => {
    const result = await fixture.call(searchTool, { pattern: "-v" });
    assert.equal(result.isError, false);
    assert.match(result.text, /^no matches/);
  });

  test("reports an invalid regular expression as an error", async () => {
    const result = await fixture.call(searchTool, { pattern: "(unclosed" });
    assert.equal(result.isError, true);
    assert.match(result.text, /^search failed \(exit code \d+\): /);
  });

  test("caps the number of matches shown and says how many there were", () => {
    const output = Array.from(
      { length: maxSearchMatches + 50 },
      (_, index) => `a.ts\0${index + 1}\0hit\n`,
    ).join("");
    const lines = formatMatches(output, false).split("\n");
    assert.equal(lines[0], `${maxSearchMatches + 50} matching lines`);
    assert.equal(lines.length, maxSearchMatches + 2);
    assert.equal(lines.at(-1), `[showing the first ${maxSearchMatches}; narrow the pattern or the path]`);
  });
});
