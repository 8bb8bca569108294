// Finding paths become worktree-relative whatever form the tool printed them in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { relativizeFindings, stripWorktreePrefixes, worktreeRelative } from "./finding-paths.ts";

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

test("a message loses the worktree's absolute prefix, whatever spelling of the root it names", () => {
  const roots = ["/data/worktrees/run-1", "/srv/data/worktrees/run-1"];
  assert.equal(
    stripWorktreePrefixes(
      "Error: Cannot find module '/data/worktrees/run-1/lib/x.js' from /srv/data/worktrees/run-1/test/a.test.js:3:9",
      roots,
    ),
    "Error: Cannot find module 'lib/x.js' from test/a.test.js:3:9",
  );
  assert.equal(stripWorktreePrefixes("at file:///data/worktrees/run-1/src/b.ts:4", roots), "at src/b.ts:4");
  assert.equal(stripWorktreePrefixes("cd /data/worktrees/run-1: failed", roots), "cd .: failed");
});

test("a sibling whose name only starts with the worktree's is left alone (the setup copy)", () => {
  const roots = ["/data/worktrees/run-1"];
  assert.equal(
    stripWorktreePrefixes("/data/worktrees/run-1.setup/x", roots),
    "/data/worktrees/run-1.setup/x",
  );
  assert.equal(stripWorktreePrefixes("/data/worktrees/run-10/x", roots), "/data/worktrees/run-10/x");
});

test("the /workspace of older runs is stripped too, unless the worktree itself lies there", () => {
  assert.equal(stripWorktreePrefixes("/workspace/lib/x.js:1:2 boom", ["/data/w"]), "lib/x.js:1:2 boom");
  assert.equal(stripWorktreePrefixes("/workspace/other/x.js", ["/workspace/app"]), "/workspace/other/x.js");
  const [finding] = relativizeFindings(
    [
      {
        kind: "test",
        message: "at /workspace/test/a.js:2",
        file: "/workspace/test/a.js",
        test: "/data/w/test/a.js > adds",
        context: "    at Object.<anonymous> (/data/w/test/a.js:2:5)",
      },
    ],
    ["/data/w"],
    ".",
  );
  assert.deepEqual(finding, {
    kind: "test",
    message: "at test/a.js:2",
    file: "test/a.js",
    test: "test/a.js > adds",
    context: "    at Object.<anonymous> (test/a.js:2:5)",
  });
});
