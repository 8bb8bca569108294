// The run volume caps what a run can write: a real loop-mounted ext4 image, filled past its size.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { closeRunVolume, isMountPoint, openRunVolume, runVolumeProblem } from "./run-volume.ts";

const problem = runVolumeProblem();
if (problem) console.log(`# skipping the run volume tests: ${problem}`);

describe("run volume", { skip: problem ?? false }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "slipway-volume-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test("a write past the volume's size fails with ENOSPC and the host file stays sparse", async () => {
    const mountPoint = path.join(root, "run-a");
    const image = path.join(root, "images", "run-a.img");
    const volume = await openRunVolume(mountPoint, image, 64 * 1024 * 1024);
    try {
      assert.equal(await isMountPoint(mountPoint), true);
      // Positive control: a small write succeeds on the volume.
      writeFileSync(path.join(mountPoint, "small"), Buffer.alloc(1024 * 1024, 1));
      // dd until the filesystem is full: it must stop at the cap, not at the host's free space.
      const fill = spawnSync(
        "dd",
        ["if=/dev/zero", `of=${path.join(mountPoint, "big")}`, "bs=1M", "count=512"],
        {
          encoding: "utf8",
          timeout: 60_000,
        },
      );
      assert.notEqual(fill.status, 0, "the 512 MiB write into a 64 MiB volume succeeded");
      assert.match(fill.stderr, /No space left on device/);
      const written = statSync(path.join(mountPoint, "big")).size;
      assert.ok(written < 64 * 1024 * 1024, `wrote ${written} bytes into a 64 MiB volume`);
      // The image on the host never takes more than the volume's size.
      assert.ok(statSync(image).blocks * 512 <= volume.bytes);
    } finally {
      await closeRunVolume(mountPoint, image);
    }
    assert.equal(existsSync(mountPoint), false);
    assert.equal(existsSync(image), false);
  });

  test("a mount point that exists already is refused and nothing is left behind", async () => {
    const mountPoint = path.join(root, "run-b");
    const image = path.join(root, "images", "run-b.img");
    await openRunVolume(mountPoint, image, 32 * 1024 * 1024);
    try {
      await assert.rejects(openRunVolume(mountPoint, `${image}.2`, 32 * 1024 * 1024), /EEXIST/);
      assert.equal(existsSync(`${image}.2`), false);
    } finally {
      await closeRunVolume(mountPoint, image);
    }
  });

  test("every volume is a fresh filesystem: a file run 1 wrote is not on run 2's volume at the same place", async () => {
    const mountPoint = path.join(root, "run-d");
    const image = path.join(root, "images", "run-d.img");
    await openRunVolume(mountPoint, image, 32 * 1024 * 1024);
    writeFileSync(path.join(mountPoint, "left-by-run-1"), "secret\n");
    await closeRunVolume(mountPoint, image);
    await openRunVolume(mountPoint, image, 32 * 1024 * 1024);
    try {
      assert.equal(existsSync(path.join(mountPoint, "left-by-run-1")), false);
    } finally {
      await closeRunVolume(mountPoint, image);
    }
  });

  test("closing a volume twice is harmless", async () => {
    const mountPoint = path.join(root, "run-c");
    const image = path.join(root, "images", "run-c.img");
    await openRunVolume(mountPoint, image, 32 * 1024 * 1024);
    await closeRunVolume(mountPoint, image);
    await closeRunVolume(mountPoint, image);
    assert.equal(existsSync(mountPoint), false);
  });
});
