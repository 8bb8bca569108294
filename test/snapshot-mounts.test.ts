// Copy-on-write restore of warm snapshots on real overlay mounts and real sandboxes (bwrap, docker):
// a sandbox made after the mount sees the snapshot's files; its agent changes and deletes anything,
// also through links, and the snapshot stays byte-identical; unmounting (the gate, cleanup) detaches
// the sandbox's view too and leaves no mount in /proc/self/mountinfo; a link in the repository never
// moves a mount out of the worktree; a mounted snapshot is never pruned.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { dockerSandboxBackend } from "../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { contractOptions, shell, tempDirectory } from "../src/sandbox/sandbox.contract.ts";
import type { SandboxBackend } from "../src/sandbox/sandbox.ts";
import {
  dependencyMountsUnder,
  layersPath,
  mountDependencies,
  overlayProblem,
  unmountDependencies,
} from "../src/setup/snapshots/dependency-mounts.ts";
import {
  findSnapshot,
  pruneSnapshots,
  saveSnapshot,
  snapshotTreePath,
} from "../src/setup/snapshots/snapshot-store.ts";

const overlay = overlayProblem();
if (overlay) console.log(`# skipping the overlay mount tests: ${overlay}`);
const bwrapAvailability = await bwrapSandboxBackend.availability();
const dockerSkip = await dockerTestSkipReason();
if (dockerSkip) console.log(`# skipping the docker overlay test: no Docker engine here: ${dockerSkip}`);
const testLabels = { "slipway.test": `snapshot-mounts-${process.pid}-${randomInt(1e9)}` };

/** sha256 of every path, kind, mode, owner, link target and file content under `root`. */
function treeHash(root: string): string {
  return execFileSync(
    "bash",
    [
      "-c",
      "cd \"$1\" && find . -printf '%y %p %l %m %U %G\\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum",
      "_",
      root,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
}

/** A snapshot tree as a setup leaves it: a package, its .bin link, a nested workspace's node_modules. */
function makeLower(): string {
  const lower = tempDirectory("snapshot-lower");
  const pkg = path.join(lower, "node_modules", "is-number");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, "index.js"), "module.exports = (x) => typeof x === 'number';\n");
  mkdirSync(path.join(lower, "node_modules", ".bin"));
  symlinkSync("../is-number/index.js", path.join(lower, "node_modules", ".bin", "is-number"));
  mkdirSync(path.join(lower, "packages", "a", "node_modules", "left-pad"), { recursive: true });
  writeFileSync(path.join(lower, "packages", "a", "node_modules", "left-pad", "index.js"), "pad\n");
  return lower;
}

// Everything an agent could try on its copy: edit, truncate through a link, hard link and write,
// delete, rename, chmod, and a new file — then print what it sees.
const vandal = [
  "set -e",
  "cat node_modules/is-number/index.js",
  "echo rewritten > node_modules/is-number/index.js",
  ": > node_modules/.bin/is-number",
  "ln packages/a/node_modules/left-pad/index.js hard && echo through-hardlink >> hard",
  "chmod 000 packages/a/node_modules/left-pad/index.js",
  "mv packages/a/node_modules/left-pad packages/a/node_modules/right-pad",
  "rm -rf node_modules/.bin",
  "echo new > node_modules/planted.js",
  "echo; ls -a node_modules",
].join("\n");

function backends(): { name: string; backend: SandboxBackend; skip: string | false }[] {
  return [
    {
      name: "bwrap",
      backend: bwrapSandboxBackend,
      skip: bwrapAvailability.available ? false : `bwrap is unavailable: ${bwrapAvailability.reason}`,
    },
    {
      name: "docker",
      backend: dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: testLabels }),
      skip: dockerSkip ? `no Docker engine: ${dockerSkip}` : false,
    },
  ];
}

describe("copy-on-write snapshot mounts", { skip: overlay ?? false }, () => {
  after(async () => {
    if (!dockerSkip) await removeLeftoverContainers({ maxAgeMs: 0, labels: testLabels }).catch(() => []);
  });

  for (const { name, backend, skip } of backends()) {
    test(`${name}: the agent changes anything in its copy, the snapshot stays byte-identical, unmounting detaches the sandbox's view`, {
      skip,
    }, async () => {
      const lower = makeLower();
      const before = treeHash(lower);
      const worktree = tempDirectory("snapshot-worktree");
      mkdirSync(path.join(worktree, "packages", "a"), { recursive: true });
      await mountDependencies(worktree, lower, ["node_modules", "packages/a/node_modules"]);
      assert.equal(dependencyMountsUnder(worktree).length, 2);
      const sandbox = await backend.create(contractOptions(worktree));
      try {
        const result = await sandbox.exec(shell(vandal));
        assert.equal(result.exitCode, 0, result.output);
        // The sandbox saw the snapshot's file through the mount, and then its own changes.
        assert.match(result.stdout, /typeof x === 'number'/);
        assert.match(result.stdout, /planted\.js/);
        assert.doesNotMatch(result.stdout, /\.bin/);
        assert.equal(treeHash(lower), before, "the snapshot is byte for byte as it was");
        // What the agent wrote went to the upper layer beside the worktree, not into the snapshot.
        assert.ok(existsSync(path.join(layersPath(worktree), "0", "upper", "planted.js")));

        assert.equal(await unmountDependencies(worktree), 2);
        assert.deepEqual(dependencyMountsUnder(worktree), []);
        assert.equal(existsSync(layersPath(worktree)), false);
        // The sandbox's own copy of the mount went with the mount point: nothing of the agent's stays visible.
        const after = await sandbox.exec(shell("ls -a node_modules packages/a/node_modules 2>&1; true"));
        assert.doesNotMatch(after.stdout, /planted|is-number|right-pad/, after.stdout);
        assert.equal(await unmountDependencies(worktree), 0, "a second unmount finds nothing");
      } finally {
        await sandbox.dispose();
        await unmountDependencies(worktree);
      }
      assert.equal(treeHash(lower), before);
      rmSync(worktree, { recursive: true, force: true });
      rmSync(lower, { recursive: true, force: true });
    });
  }

  test("a worktree reached through a link is unmounted all the same (the mount table holds real paths)", async () => {
    const lower = makeLower();
    const real = tempDirectory("snapshot-real");
    const linked = path.join(tempDirectory("snapshot-link"), "to-real");
    symlinkSync(real, linked);
    const worktree = path.join(linked, "worktree");
    mkdirSync(worktree);
    await mountDependencies(worktree, lower, ["node_modules"]);
    assert.equal(dependencyMountsUnder(worktree).length, 1);
    assert.equal(await unmountDependencies(worktree), 1);
    assert.deepEqual(dependencyMountsUnder(real), []);
    for (const directory of [real, path.dirname(linked), lower])
      rmSync(directory, { recursive: true, force: true });
  });

  test("cache prune, even --all, keeps a snapshot a run has mounted", async () => {
    const dataDir = tempDirectory("snapshot-data");
    const source = makeLower();
    const key = "ab".repeat(16);
    const meta = await saveSnapshot({
      dataDir,
      key,
      repo: "example/mounted",
      parts: [],
      source,
      directories: ["node_modules"],
    });
    assert.ok(meta);
    const worktree = tempDirectory("snapshot-worktree");
    await mountDependencies(worktree, snapshotTreePath(dataDir, key), ["node_modules"]);
    try {
      const { removed } = await pruneSnapshots(dataDir, { maxBytes: 1, all: true });
      assert.deepEqual(removed, []);
      assert.ok(await findSnapshot(dataDir, key), "the mounted snapshot is still there");
    } finally {
      await unmountDependencies(worktree);
    }
    const { removed } = await pruneSnapshots(dataDir, { maxBytes: 1, all: true });
    assert.deepEqual(
      removed.map((entry) => entry.key),
      [key],
      "once unmounted it can go",
    );
    for (const directory of [dataDir, source, worktree]) rmSync(directory, { recursive: true, force: true });
  });

  test("a link in the repository on the way to a dependency directory is refused and nothing stays mounted", async () => {
    const lower = makeLower();
    const worktree = tempDirectory("snapshot-worktree");
    const outside = tempDirectory("snapshot-outside");
    mkdirSync(path.join(worktree, "packages"));
    symlinkSync(outside, path.join(worktree, "packages", "a"));
    await assert.rejects(
      mountDependencies(worktree, lower, ["node_modules", "packages/a/node_modules"]),
      /already exists in the worktree/,
    );
    assert.deepEqual(dependencyMountsUnder(worktree), []);
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(existsSync(path.join(worktree, "node_modules")), false, "the first mount was undone");
    assert.equal(existsSync(layersPath(worktree)), false);
    for (const directory of [worktree, outside, lower]) rmSync(directory, { recursive: true, force: true });
  });
});
