// Snapshot store on the real filesystem: a restored copy is the run's own (changing or deleting it
// leaves the snapshot's bytes unchanged), saves are whole or absent, eviction goes by last use.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { tempDir, writeFiles } from "../../../test/helpers/git-fixture.ts";
import {
  findSnapshot,
  listSnapshots,
  pruneSnapshots,
  restoreSnapshot,
  type SnapshotMeta,
  saveSnapshot,
  snapshotsRoot,
  snapshotsToEvict,
} from "./snapshot-store.ts";

const key = "0123456789abcdef0123456789abcdef";

/** sha256 of every path, kind and content under `root` (links by their target, never followed). */
function treeHash(root: string): string {
  return execFileSync(
    "bash",
    [
      "-c",
      "cd \"$1\" && find . -printf '%y %p %l %m\\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum",
      "_",
      root,
    ],
    { encoding: "utf8", timeout: 30_000 },
  );
}

function installedTree(): string {
  const source = tempDir("snapshot-source");
  writeFiles(source, {
    "node_modules/is-number/index.js": "module.exports = () => true;\n",
    "node_modules/is-number/package.json": '{"name":"is-number"}',
    "node_modules/.bin/runner": "#!/bin/sh\nexit 1\n",
  });
  return source;
}

async function saved(dataDir: string, source: string, keyName = key): Promise<SnapshotMeta> {
  const meta = await saveSnapshot({
    dataDir,
    key: keyName,
    repo: "/repo",
    parts: ["format 1"],
    source,
    directories: ["node_modules"],
  });
  assert.ok(meta);
  return meta;
}

describe("snapshot store", () => {
  test("a run changing or deleting files of its restored copy leaves the snapshot unchanged", async () => {
    const dataDir = tempDir("snapshot-data");
    const meta = await saved(dataDir, installedTree());
    const snapshot = path.join(snapshotsRoot(dataDir), key);
    assert.equal(statSync(snapshotsRoot(dataDir)).mode & 0o777, 0o700);
    const before = treeHash(snapshot);
    const worktree = tempDir("snapshot-worktree");
    await restoreSnapshot(dataDir, meta, [worktree]);
    assert.equal(
      readFileSync(path.join(worktree, "node_modules/is-number/index.js"), "utf8"),
      "module.exports = () => true;\n",
    );
    // What a hostile agent does to its dependencies: rewrite the runner, delete a package, add files.
    writeFileSync(path.join(worktree, "node_modules/.bin/runner"), "#!/bin/sh\nexit 0\n");
    rmSync(path.join(worktree, "node_modules/is-number"), { recursive: true });
    writeFileSync(path.join(worktree, "node_modules/planted.js"), "x");
    const after = treeHash(snapshot);
    // meta.json records the last use; the tree itself must be byte for byte what setup produced.
    assert.equal(
      after
        .split("\n")
        .filter((line) => !line.includes("meta.json"))
        .join("\n"),
      before
        .split("\n")
        .filter((line) => !line.includes("meta.json"))
        .join("\n"),
    );
    const again = tempDir("snapshot-worktree");
    await restoreSnapshot(dataDir, (await findSnapshot(dataDir, key))!, [again]);
    assert.equal(readFileSync(path.join(again, "node_modules/.bin/runner"), "utf8"), "#!/bin/sh\nexit 1\n");
    assert.equal(existsSync(path.join(again, "node_modules/planted.js")), false);
  });

  test("a restore never copies over something already at a directory's name", async () => {
    const dataDir = tempDir("snapshot-data");
    const meta = await saved(dataDir, installedTree());
    const worktree = tempDir("snapshot-worktree");
    mkdirSync(path.join(worktree, "node_modules"));
    await assert.rejects(restoreSnapshot(dataDir, meta, [worktree]), /already exists/);
  });

  test("a source whose directory is a link is not saved, and leaves no snapshot or temporary directory", async () => {
    const dataDir = tempDir("snapshot-data");
    const source = tempDir("snapshot-source");
    execFileSync("ln", ["-s", "/etc", path.join(source, "node_modules")]);
    const meta = await saveSnapshot({
      dataDir,
      key,
      repo: "/r",
      parts: [],
      source,
      directories: ["node_modules"],
    });
    assert.equal(meta, undefined);
    assert.deepEqual(await listSnapshots(dataDir), []);
    assert.deepEqual(execFileSync("ls", ["-A", snapshotsRoot(dataDir)], { encoding: "utf8" }), "");
  });

  test("eviction removes the least recently used snapshots above maxBytes; prune --all removes every one", async () => {
    const dataDir = tempDir("snapshot-data");
    const source = installedTree();
    const older = await saved(dataDir, source, "a".repeat(32));
    const newer = await saved(dataDir, source, "b".repeat(32));
    // Using the older one makes it the most recently used.
    await restoreSnapshot(dataDir, older, [tempDir("snapshot-worktree")]);
    const { removed } = await pruneSnapshots(dataDir, { maxBytes: older.bytes });
    assert.deepEqual(
      removed.map((entry) => entry.key),
      [newer.key],
    );
    assert.deepEqual(
      (await listSnapshots(dataDir)).map((entry) => entry.key),
      [older.key],
    );
    await pruneSnapshots(dataDir, { maxBytes: 1 << 30, all: true });
    assert.deepEqual(await listSnapshots(dataDir), []);
  });

  test("snapshotsToEvict keeps the most recently used that fit", () => {
    const meta = (name: string, bytes: number, lastUsedAt: string): SnapshotMeta => ({
      key: name.repeat(32),
      repo: "r",
      directories: [],
      bytes,
      createdAt: lastUsedAt,
      lastUsedAt,
      parts: [],
    });
    const evicted = snapshotsToEvict(
      [meta("a", 60, "2026-01-01"), meta("b", 50, "2026-01-03"), meta("c", 40, "2026-01-02")],
      100,
    );
    assert.deepEqual(
      evicted.map((entry) => entry.key[0]),
      ["a"],
    );
    // A snapshot restored since `inUseSince` may still be read by a running run's gate: kept.
    const inUse = snapshotsToEvict(
      [meta("a", 60, "2026-01-01"), meta("b", 50, "2026-01-03")],
      50,
      Date.parse("2026-01-02"),
    );
    assert.deepEqual(
      inUse.map((entry) => entry.key[0]),
      ["a"],
    );
    const kept = snapshotsToEvict(
      [meta("a", 60, "2026-01-01"), meta("b", 50, "2026-01-03")],
      50,
      Date.parse("2025-12-31"),
    );
    assert.deepEqual(kept, []);
  });
});
