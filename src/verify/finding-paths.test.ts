// Finding paths become worktree-relative whatever form the tool printed them in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { relativizeFindings, worktreeRelative } from "./finding-paths.ts";

test("an absolute path or file:// URL inside the worktree becomes relative to its root", () => {
  assert.equal(worktreeRelative("/work/tree/test/a.test.js", "/work/tree", "."), "test/a.test.js");
  assert.equal(worktreeRelative("file:///work/tree/src/b.ts", "/work/tree", "packages/x"), "src/b.ts");
});

test("a relative path is taken from the directory the check ran in", () => {
  assert.equal(worktreeRelative("src/a.ts", "/work/tree", "packages/web"), "packages/web/src/a.ts");
  assert.equal(worktreeRelative("./src/a.ts", "/work/tree", "."), "src/a.ts");
});

test("a path outside the worktree is left as printed", () => {
  assert.equal(worktreeRelative("/usr/lib/node/x.js", "/work/tree", "."), "/usr/lib/node/x.js");
});

test("the first spelling of the root that contains the file wins (symlinked temp dirs)", () => {
  const [finding] = relativizeFindings(
    [{ kind: "test", message: "m", file: "/private/tmp/w/test/a.js" }],
    ["/tmp/w", "/private/tmp/w"],
    ".",
  );
  assert.equal(finding?.file, "test/a.js");
});
