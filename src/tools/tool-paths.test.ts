// Every file tool refuses paths that leave the worktree, whichever way they try.
import assert from "node:assert/strict";
import { readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createFileTool } from "./create-file.ts";
import { editFileTool } from "./edit-file.ts";
import { listFilesTool } from "./list-files.ts";
import { readFileTool } from "./read-file.ts";
import { searchTool } from "./search.ts";
import type { AgentTool } from "./tool.ts";
import { createToolFixture, type ToolFixture } from "./tool-fixture.ts";
import { resolveToolPath } from "./tool-paths.ts";

const pathTools: { tool: AgentTool; input: (target: string) => Record<string, unknown> }[] = [
  { tool: readFileTool, input: (target) => ({ path: target }) },
  { tool: listFilesTool, input: (target) => ({ path: target }) },
  { tool: searchTool, input: (target) => ({ pattern: "secret", path: target }) },
  { tool: editFileTool, input: (target) => ({ path: target, oldText: "secret", newText: "public" }) },
  { tool: createFileTool, input: (target) => ({ path: target, content: "planted" }) },
];

describe("tool paths", () => {
  let fixture: ToolFixture;
  before(async () => {
    fixture = await createToolFixture();
    await fixture.write("inside.txt", "hello\n");
    await writeFile(path.join(fixture.outside, "secret.txt"), "secret\n");
    await symlink(fixture.outside, path.join(fixture.worktree, "escape"));
  });
  after(() => fixture.dispose());

  const escapes: { how: string; target: (fixture: ToolFixture) => string }[] = [
    { how: "a .. path", target: () => "../outside/secret.txt" },
    { how: "an absolute path", target: (f) => path.join(f.outside, "secret.txt") },
    { how: "a symlink pointing outside", target: () => "escape/secret.txt" },
  ];
  for (const { tool, input } of pathTools) {
    for (const { how, target } of escapes) {
      test(`${tool.name} refuses ${how} with the worktree message`, async () => {
        const requested = target(fixture);
        const result = await fixture.call(tool, input(requested));
        assert.equal(result.isError, true);
        assert.equal(
          result.text,
          `path "${requested}" is outside the worktree; use a path relative to the repository root`,
        );
      });
    }
  }

  test("no escape attempt changed or planted anything outside", async () => {
    assert.deepEqual(await readdir(fixture.outside), ["secret.txt"]);
    assert.equal(await readFile(path.join(fixture.outside, "secret.txt"), "utf8"), "secret\n");
  });

  test("an absolute path inside the worktree is accepted and shown relative", () => {
    const resolved = resolveToolPath(fixture.worktree, path.join(fixture.worktree, "inside.txt"));
    assert.equal(resolved.relative, "inside.txt");
  });

  test("writes into .git are refused even though .git is inside the worktree", async () => {
    const result = await fixture.call(createFileTool, { path: "sub/../.git/hooks/pre-commit", content: "x" });
    assert.equal(result.isError, true);
    assert.match(result.text, /inside \.git; tools may not write there/);
  });
});
