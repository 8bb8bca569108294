// safe-fs: reads, writes and listings inside a root that never follow a link, never open a FIFO,
// and stay inside even when a directory is swapped for a link between two steps of the walk.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  link,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  entryKindInside,
  FileAccessError,
  listDirectoryInside,
  pathComponents,
  readRegularFileInside,
  writeRegularFileInside,
} from "./safe-fs.ts";

let base: string;
let root: string;
let outside: string;

before(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), "slipway-safe-fs-")));
  root = path.join(base, "root");
  outside = path.join(base, "outside");
  await mkdir(path.join(root, "dir", "sub"), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, "dir", "plain.txt"), "inside\n");
  await writeFile(path.join(outside, "secret.txt"), "host secret\n");
  await symlink(path.join(outside, "secret.txt"), path.join(root, "to-secret"));
  await symlink(outside, path.join(root, "to-outside"));
  execFileSync("mkfifo", [path.join(root, "pipe")]);
});
after(() => rm(base, { recursive: true, force: true }));

/** The reason a FileAccessError gives, or a failure when `action` did not throw one. */
async function reasonOf(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    if (FileAccessError.isFileAccessError(error)) return error.reason;
    throw error;
  }
  assert.fail("expected a FileAccessError");
}

describe("pathComponents", () => {
  test("splits a relative path and drops empty and . parts", () => {
    assert.deepEqual(pathComponents("./a//b/./c"), ["a", "b", "c"]);
    assert.deepEqual(pathComponents("."), []);
  });
  test("refuses .., absolute paths and NUL bytes", () => {
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "a\0b"]) {
      assert.throws(() => pathComponents(bad), { reason: "invalid-path" });
    }
  });
});

describe("readRegularFileInside", () => {
  test("reads a regular file", async () => {
    const bytes = await readRegularFileInside(root, "dir/plain.txt", { maxBytes: 100 });
    assert.equal(bytes.toString(), "inside\n");
  });
  test("refuses a file larger than maxBytes", async () => {
    assert.equal(await reasonOf(readRegularFileInside(root, "dir/plain.txt", { maxBytes: 3 })), "too-large");
  });
  test("refuses a symlink to a host file without reading it", async () => {
    assert.equal(await reasonOf(readRegularFileInside(root, "to-secret", { maxBytes: 100 })), "symlink");
  });
  test("refuses a path through a symlinked directory", async () => {
    const read = readRegularFileInside(root, "to-outside/secret.txt", { maxBytes: 100 });
    assert.equal(await reasonOf(read), "symlink");
  });
  test("refuses a FIFO at once, without opening it", async () => {
    assert.equal(await reasonOf(readRegularFileInside(root, "pipe", { maxBytes: 100 })), "not-regular");
  });
  test("refuses a directory and a missing file with their own reasons", async () => {
    assert.equal(await reasonOf(readRegularFileInside(root, "dir", { maxBytes: 100 })), "directory");
    assert.equal(await reasonOf(readRegularFileInside(root, "dir/none", { maxBytes: 100 })), "missing");
  });
});

describe("writeRegularFileInside", () => {
  test("creates a file and its parents, then overwrites it in place", async () => {
    assert.deepEqual(await writeRegularFileInside(root, "new/deep/a.txt", "one", { createParents: true }), {
      created: true,
    });
    const first = await stat(path.join(root, "new/deep/a.txt"));
    assert.deepEqual(await writeRegularFileInside(root, "new/deep/a.txt", "two"), { created: false });
    assert.equal(await readFile(path.join(root, "new/deep/a.txt"), "utf8"), "two");
    assert.equal((await stat(path.join(root, "new/deep/a.txt"))).ino, first.ino);
  });
  test("without createParents, a missing parent is refused", async () => {
    assert.equal(await reasonOf(writeRegularFileInside(root, "absent/a.txt", "x")), "missing");
  });
  test("never writes through a symlink, at the name or on the way", async () => {
    assert.equal(await reasonOf(writeRegularFileInside(root, "to-secret", "pwned")), "symlink");
    const through = writeRegularFileInside(root, "to-outside/new.txt", "pwned", { createParents: true });
    assert.equal(await reasonOf(through), "symlink");
    assert.equal(await readFile(path.join(outside, "secret.txt"), "utf8"), "host secret\n");
    await assert.rejects(stat(path.join(outside, "new.txt")), { code: "ENOENT" });
  });
  test("refuses a FIFO and a hard-linked file", async () => {
    assert.equal(await reasonOf(writeRegularFileInside(root, "pipe", "x")), "not-regular");
    await writeFile(path.join(outside, "linked.txt"), "keep");
    await link(path.join(outside, "linked.txt"), path.join(root, "hard.txt"));
    assert.equal(await reasonOf(writeRegularFileInside(root, "hard.txt", "x")), "hard-linked");
    assert.equal(await readFile(path.join(outside, "linked.txt"), "utf8"), "keep");
  });
});

describe("a directory swapped for a link during the walk", () => {
  test("a held directory swapped for a link keeps the write in the directory that was checked", async () => {
    await mkdir(path.join(root, "race1"));
    const write = writeRegularFileInside(root, "race1/escaped.txt", "data", {
      afterStep: async (reached) => {
        if (reached !== "race1") return;
        await rename(path.join(root, "race1"), path.join(root, "race1-moved"));
        await symlink(outside, path.join(root, "race1"));
      },
    });
    assert.deepEqual(await write, { created: true });
    await assert.rejects(stat(path.join(outside, "escaped.txt")), { code: "ENOENT" });
    assert.equal(await readFile(path.join(root, "race1-moved", "escaped.txt"), "utf8"), "data");
  });
  test("the next directory swapped for a link after its parent is held is refused", async () => {
    await mkdir(path.join(root, "race2", "inner"), { recursive: true });
    const write = writeRegularFileInside(root, "race2/inner/escaped2.txt", "data", {
      afterStep: async (reached) => {
        if (reached !== "race2") return;
        await rm(path.join(root, "race2", "inner"), { recursive: true });
        await symlink(outside, path.join(root, "race2", "inner"));
      },
    });
    assert.equal(await reasonOf(write), "symlink");
    await assert.rejects(stat(path.join(outside, "escaped2.txt")), { code: "ENOENT" });
  });
  test("a read whose directory is swapped after it is held reads the checked directory, not the link", async () => {
    await mkdir(path.join(root, "race3"));
    await writeFile(path.join(root, "race3", "secret.txt"), "worktree copy\n");
    const bytes = await readRegularFileInside(root, "race3/secret.txt", {
      maxBytes: 100,
      afterStep: async () => {
        await rename(path.join(root, "race3"), path.join(root, "race3-moved"));
        await symlink(outside, path.join(root, "race3"));
      },
    });
    assert.equal(bytes.toString(), "worktree copy\n");
  });
});

describe("listing and kinds", () => {
  test("lists entries with their own kind, links not followed", async () => {
    const { entries, cut } = await listDirectoryInside(root, ".", { maxEntries: 1_000 });
    const kinds = new Map(entries.map((entry) => [entry.name, entry.kind]));
    assert.equal(cut, false);
    assert.equal(kinds.get("dir"), "directory");
    assert.equal(kinds.get("to-outside"), "symlink");
    assert.equal(kinds.get("pipe"), "fifo");
  });
  test("stops at maxEntries and says so", async () => {
    const { entries, cut } = await listDirectoryInside(root, ".", { maxEntries: 1 });
    assert.equal(entries.length, 1);
    assert.equal(cut, true);
  });
  test("refuses to list through a symlinked directory", async () => {
    assert.equal(await reasonOf(listDirectoryInside(root, "to-outside", { maxEntries: 10 })), "symlink");
  });
  test("entryKindInside names what is there without following it", async () => {
    assert.equal(await entryKindInside(root, "to-secret"), "symlink");
    assert.equal(await entryKindInside(root, "pipe"), "fifo");
    assert.equal(await entryKindInside(root, "dir/plain.txt"), "file");
    assert.equal(await entryKindInside(root, "absent/x"), "missing");
    assert.equal(await entryKindInside(root, "to-outside/secret.txt"), "symlink");
    assert.equal(await entryKindInside(root, "dir/plain.txt/child"), "missing");
  });
});
