// The cache folders Slipway mounts into a worktree (.slipway-deps for the agent and the gate,
// .slipway-setup-cache for setup) are in a directory the sandboxed code can write: renamed away and
// replaced by a link, they must not make the host unmount (or remove) anything the link names.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createBwrapBackend } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { askingFor, contractOptions, shell, tempDirectory } from "../../src/sandbox/sandbox.contract.ts";
import {
  cacheDirectory,
  cacheFolder,
  mountDownloadCaches,
  unmountDownloadCaches,
} from "../../src/setup/caches/download-caches.ts";
import {
  mountOfflineCaches,
  offlineFolder,
  releaseOfflineCaches,
} from "../../src/setup/caches/offline-caches.ts";
import { mountPointsUnder, overlayProblem } from "../../src/setup/snapshots/dependency-mounts.ts";

const skip = overlayProblem() ?? false;
if (skip) console.log(`# skipping the cache folder link cases: ${skip}`);

const scratch = tempDirectory("cache-links");
const dataDir = path.join(scratch, "data");
const repo = "https://example.test/links.git";
// Stands for any mount of the host (another run's overlays, /sys/fs/cgroup): a tmpfs the test makes.
const victim = path.join(scratch, "victim");

function mounted(point: string): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((line) => line.split(" ")[4] === point);
}

/** (Re)mount the victim: on the old code a case unmounted it. */
function mountVictim(): void {
  if (mounted(victim)) return;
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "slipway-test-victim", victim], { timeout: 10_000 });
  mkdirSync(path.join(victim, "go"));
}

before(() => {
  if (skip) return;
  mkdirSync(victim, { recursive: true });
  const cache = cacheDirectory(dataDir, "go", repo);
  mkdirSync(path.join(cache, "mod"), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(cache, "mod/marker"), "cached\n");
});
after(() => {
  if (mounted(victim)) execFileSync("umount", ["--lazy", victim], { timeout: 10_000 });
  rmSync(scratch, { recursive: true, force: true });
});

/** In a bwrap sandbox of `worktree`: rename `folder` away and put a link to the victim at its name. */
async function swapForLink(worktree: string, folder: string, space: "run" | "command"): Promise<void> {
  mountVictim();
  const sandbox = askingFor(await createBwrapBackend().create(contractOptions(worktree)), space);
  try {
    const swapped = await sandbox.exec(
      shell(`mv ${folder} moved-away && ln -s ${victim} ${folder} && echo SWAPPED`),
    );
    assert.match(swapped.output, /SWAPPED/, swapped.output);
  } finally {
    await sandbox.dispose();
  }
}

describe("cache folders replaced by links", { skip }, () => {
  for (const space of ["run", "command"] as const) {
    test(`bwrap, ${space} space: the agent's link at ${offlineFolder} unmounts nothing it names; the moved overlay goes`, async () => {
      const worktree = tempDirectory("links-offline");
      try {
        const offline = await mountOfflineCaches({ dataDir, repo, worktree });
        assert.deepEqual(offline.ecosystems, ["go"], offline.notes.join("; "));
        await swapForLink(worktree, offlineFolder, space);
        await releaseOfflineCaches(worktree, dataDir);
        assert.ok(mounted(victim), "the host mount the link names is still mounted");
        assert.deepEqual(mountPointsUnder(worktree), [], "the moved overlay was unmounted");
      } finally {
        await releaseOfflineCaches(worktree, dataDir);
        rmSync(worktree, { recursive: true, force: true });
        rmSync(`${worktree}.layers`, { recursive: true, force: true });
      }
    });
  }

  test(`bwrap: setup's link at ${cacheFolder} unmounts nothing it names; the moved cache mount goes`, async () => {
    const worktree = tempDirectory("links-setup");
    try {
      const caches = await mountDownloadCaches({ dataDir, repo, worktree, ecosystems: ["go"] });
      assert.deepEqual(caches.ecosystems, ["go"], caches.notes.join("; "));
      await swapForLink(worktree, cacheFolder, "run");
      await unmountDownloadCaches(worktree);
      assert.ok(mounted(victim), "the host mount the link names is still mounted");
      assert.deepEqual(mountPointsUnder(worktree), [], "the moved cache mount was unmounted");
    } finally {
      for (const point of mountPointsUnder(worktree)) execFileSync("umount", ["--lazy", point]);
      rmSync(worktree, { recursive: true, force: true });
    }
  });
});
