// The repository's instructions read from a real repository's objects at the base commit: which root
// file is chosen, what is refused (links, oversized blobs), which nested files are found, and that the
// worktree's copy is never what is read.
import assert from "node:assert/strict";
import { symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { git, makeRepo } from "../../test/helpers/git-fixture.ts";
import {
  loadRepoInstructions,
  maxInstructionBytes,
  parseAddedEntries,
  readNestedInstructions,
} from "./agent-instructions.ts";
import { nestedBudgetChars, rootBudgetChars } from "./instructions-text.ts";

/** A repository with `files` committed; returns its git dir (the mirror's role) and the commit. */
function repoWith(files: Record<string, string>, links: Record<string, string> = {}) {
  const repo = makeRepo({ "README.md": "fixture\n", ...files });
  for (const [link, target] of Object.entries(links)) symlinkSync(target, path.join(repo, link));
  if (Object.keys(links).length > 0) {
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "links");
  }
  return { repo, gitDir: path.join(repo, ".git"), commit: git(repo, "rev-parse", "HEAD") };
}

describe("loadRepoInstructions", () => {
  test("sends the root AGENTS.md and prefers it to CLAUDE.md", async () => {
    const { gitDir, commit } = repoWith({ "AGENTS.md": "Use pnpm.\n", "CLAUDE.md": "Use yarn.\n" });
    const loaded = await loadRepoInstructions(gitDir, commit);
    assert.equal(loaded.root?.path, "AGENTS.md");
    assert.equal(loaded.root?.text, "Use pnpm.\n");
    assert.equal(loaded.root?.cut, false);
    assert.deepEqual(loaded.refused, []);
  });

  test("falls back to CLAUDE.md, then to .github/copilot-instructions.md", async () => {
    const claude = repoWith({
      "CLAUDE.md": "Claude rules\n",
      ".github/copilot-instructions.md": "Copilot\n",
    });
    assert.equal((await loadRepoInstructions(claude.gitDir, claude.commit)).root?.path, "CLAUDE.md");
    const copilot = repoWith({ ".github/copilot-instructions.md": "Copilot rules\n" });
    const loaded = await loadRepoInstructions(copilot.gitDir, copilot.commit);
    assert.equal(loaded.root?.path, ".github/copilot-instructions.md");
    assert.equal(loaded.root?.text, "Copilot rules\n");
  });

  test("has no root guidance when the repository has none", async () => {
    const { gitDir, commit } = repoWith({ "docs/CLAUDE.md": "not at the root\n" });
    const loaded = await loadRepoInstructions(gitDir, commit);
    assert.equal(loaded.root, undefined);
    assert.deepEqual(loaded.nested, []);
  });

  test("refuses an AGENTS.md that is a link at the base, never follows it, and falls back", async () => {
    // The link points at a file holding a secret-looking text: it must not be read through the link.
    const { gitDir, commit } = repoWith(
      { "secret.txt": "TOKEN-behind-the-link\n", "CLAUDE.md": "Claude rules\n" },
      { "AGENTS.md": "secret.txt" },
    );
    const loaded = await loadRepoInstructions(gitDir, commit);
    assert.equal(loaded.root?.path, "CLAUDE.md");
    assert.doesNotMatch(loaded.root?.text ?? "", /TOKEN/);
    assert.equal(loaded.refused.length, 1);
    assert.equal(loaded.refused[0]?.path, "AGENTS.md");
    assert.match(loaded.refused[0]!.reason, /not a regular file.*120000/);
  });

  test("refuses a nested AGENTS.md that is a link, keeps the regular ones", async () => {
    const { gitDir, commit } = repoWith(
      { "a/AGENTS.md": "A rules\n", "b/x.ts": "x\n", "outside.txt": "secret\n" },
      { "b/AGENTS.md": "../outside.txt" },
    );
    const loaded = await loadRepoInstructions(gitDir, commit);
    assert.deepEqual(
      loaded.nested.map((item) => [item.folder, item.path]),
      [["a", "a/AGENTS.md"]],
    );
    assert.deepEqual(
      loaded.refused.map((item) => item.path),
      ["b/AGENTS.md"],
    );
  });

  test("cuts an oversized root file at its budget and keeps its size", async () => {
    const long = `${"Rule line that repeats.\n".repeat(1000)}`;
    const { gitDir, commit } = repoWith({ "AGENTS.md": long });
    const root = (await loadRepoInstructions(gitDir, commit)).root!;
    assert.equal(root.cut, true);
    assert.equal(root.originalChars, long.length);
    assert.ok(root.text.length <= rootBudgetChars, `${root.text.length} > ${rootBudgetChars}`);
    assert.ok(root.text.endsWith("\n"), "the cut ends at a line end");
  });

  test("refuses a root blob larger than the read limit and falls back", async () => {
    const { gitDir, commit } = repoWith({
      "AGENTS.md": "x".repeat(maxInstructionBytes + 1),
      "CLAUDE.md": "small\n",
    });
    const loaded = await loadRepoInstructions(gitDir, commit);
    assert.equal(loaded.root?.path, "CLAUDE.md");
    assert.deepEqual(
      loaded.refused.map((item) => item.path),
      ["AGENTS.md"],
    );
  });

  test("lists nested AGENTS.md files nearest the root first, case exact, and reads one cut", async () => {
    const { gitDir, commit } = repoWith({
      "AGENTS.md": "root\n",
      "a/b/AGENTS.md": "deep\n",
      "a/AGENTS.md": `${"A".repeat(nestedBudgetChars + 50)}\n`,
      "c/agents.md": "wrong case\n",
      "d/NOT-AGENTS.md": "other name\n",
    });
    const loaded = await loadRepoInstructions(gitDir, commit);
    assert.deepEqual(
      loaded.nested.map((item) => item.path),
      ["a/AGENTS.md", "a/b/AGENTS.md"],
    );
    const read = await readNestedInstructions(gitDir, loaded.nested[0]!);
    assert.ok(!("refused" in read));
    assert.equal(read.cut, true);
    assert.equal(read.text.length, nestedBudgetChars);
  });

  test("reads the base commit, not the worktree or a later commit", async () => {
    const { repo, gitDir, commit } = repoWith({ "AGENTS.md": "base rules\n" });
    writeFileSync(path.join(repo, "AGENTS.md"), "worktree rules\n");
    git(repo, "commit", "--quiet", "-am", "later");
    const loaded = await loadRepoInstructions(gitDir, commit);
    assert.equal(loaded.root?.text, "base rules\n");
  });
});

describe("parseAddedEntries", () => {
  test("reads modes, ids and paths holding newlines from diff-tree -z output", () => {
    const id = "a".repeat(40);
    const output = `:000000 100644 ${"0".repeat(40)} ${id} A\0we\nird/AGENTS.md\0:000000 120000 ${"0".repeat(40)} ${id} A\0AGENTS.md\0`;
    assert.deepEqual(parseAddedEntries(output), [
      { mode: "100644", objectId: id, path: "we\nird/AGENTS.md" },
      { mode: "120000", objectId: id, path: "AGENTS.md" },
    ]);
  });
});
