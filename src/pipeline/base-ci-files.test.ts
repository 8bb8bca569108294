// Reading the CI files at the base commit from the repository's objects: what the base holds is
// read, the worktree's edit never is, and a link or an oversized workflow is refused with a note.
import assert from "node:assert/strict";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { git, makeRepo } from "../../test/helpers/git-fixture.ts";
import { maxCiFileBytes, maxTotalCiBytes } from "../verify/ci-config/ci-file.ts";
import { readBaseCiFiles } from "./base-ci-files.ts";

const created: string[] = [];
after(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function commitAll(repo: string): string {
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "more");
  return git(repo, "rev-parse", "HEAD");
}

describe("readBaseCiFiles", () => {
  test("reads workflows and root CI files as the base commit holds them, not the worktree", async () => {
    const repo = makeRepo({
      ".github/workflows/ci.yml": "jobs: {}\n",
      ".github/workflows/notes.txt": "not a workflow\n",
      "tox.ini": "[tox]\n",
    });
    created.push(repo);
    const base = git(repo, "rev-parse", "HEAD");
    writeFileSync(path.join(repo, ".github/workflows/ci.yml"), "jobs: { agent: {} }\n");
    writeFileSync(path.join(repo, ".github/workflows/added.yml"), "jobs: {}\n");
    const { files, notes } = await readBaseCiFiles(path.join(repo, ".git"), base);
    assert.deepEqual(files, [
      { path: ".github/workflows/ci.yml", text: "jobs: {}\n" },
      { path: "tox.ini", text: "[tox]\n" },
    ]);
    assert.deepEqual(notes, []);
  });

  test("refuses a workflow that is a link at the base and one over the size limit, keeping the rest", async () => {
    const repo = makeRepo({
      "elsewhere.yml": "jobs: {}\n",
      ".github/workflows/a.yml": "jobs: {}\n",
      ".github/workflows/huge.yml": `# ${"x".repeat(maxCiFileBytes)}\n`,
    });
    created.push(repo);
    symlinkSync("../../elsewhere.yml", path.join(repo, ".github/workflows/link.yml"));
    const base = commitAll(repo);
    const { files, notes } = await readBaseCiFiles(path.join(repo, ".git"), base);
    assert.deepEqual(
      files.map((file) => file.path),
      [".github/workflows/a.yml"],
    );
    assert.deepEqual(notes, [
      `ci: .github/workflows/huge.yml at the base commit is not read (larger than ${maxCiFileBytes} bytes?)`,
      "ci: .github/workflows/link.yml at the base commit is not a regular file; it is not read",
    ]);
  });

  test("a .github that is a link at the base gives no workflows", async () => {
    const repo = makeRepo({ "real/workflows/ci.yml": "jobs: {}\n" });
    created.push(repo);
    symlinkSync("real", path.join(repo, ".github"));
    const { files } = await readBaseCiFiles(path.join(repo, ".git"), commitAll(repo));
    assert.deepEqual(files, []);
  });

  test("stops reading once the CI files together pass the total limit", async () => {
    const big = `# ${"x".repeat(maxCiFileBytes - 100)}\n`;
    const files = Object.fromEntries(
      Array.from({ length: 6 }, (_, index) => [`.github/workflows/w${index}.yml`, big]),
    );
    const repo = makeRepo(files);
    created.push(repo);
    const read = await readBaseCiFiles(path.join(repo, ".git"), git(repo, "rev-parse", "HEAD"));
    assert.equal(read.files.length, Math.floor(maxTotalCiBytes / Buffer.byteLength(big)));
    assert.match(read.notes.join("\n"), /w4\.yml and later CI files are not read: together they pass/);
  });

  test("reads nothing without a mirror or a resolved commit (git would otherwise pick the process's repository)", async () => {
    assert.deepEqual(await readBaseCiFiles(undefined, "a".repeat(40)), {
      files: [],
      notes: ["ci: no repository mirror, so no CI files are read"],
    });
    const repo = makeRepo({ ".github/workflows/ci.yml": "jobs: {}\n" });
    created.push(repo);
    assert.deepEqual((await readBaseCiFiles(path.join(repo, ".git"), "HEAD")).files, []);
  });
});
