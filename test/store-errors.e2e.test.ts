// End to end: a store that cannot be used says why in one line and exits 17 — a full disk as full
// (SQLite calls it a disk I/O error), a read-only data directory as not writable (node calls a
// read-only parent ENOENT). Real file systems: bubblewrap mounts a tiny tmpfs or a read-only bind.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

/** bwrap mounting file systems over `/`, or why it cannot here. */
function bwrapMountProblem(): string | undefined {
  const probe = spawnSync("bwrap", ["--bind", "/", "/", "--tmpfs", "/mnt", "true"], { timeout: 30_000 });
  if (probe.error) return `bwrap is not installed (${probe.error.message})`;
  return probe.status === 0 ? undefined : `bwrap cannot mount here: ${probe.stderr.toString().trim()}`;
}

const skip = bwrapMountProblem();
if (skip) console.log(`# store-errors tests skipped: ${skip}`);

/** `slipway <args>` with `mounts` (bwrap arguments) laid over the host's file systems. */
function slipwayUnder(mounts: string[], args: string[]) {
  return runCli(args, {
    env: cliEnv({}),
    runAs: ["bwrap", "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc", ...mounts, "--"],
  });
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
}

describe("store errors", { skip }, () => {
  test("a full disk is reported as full, with exit 17", async () => {
    const small = tempDir("full");
    const result = await slipwayUnder(
      ["--size", "8192", "--tmpfs", small],
      ["--data-dir", path.join(small, "data"), "demo"],
    );
    assert.equal(result.code, 17, result.stderr);
    assertOneLine(
      result.stderr,
      /the disk holding the data directory .*\/data is full \(0\.0 MiB free\): free some space/,
    );
  });

  test("a data directory under a read-only parent is reported as not writable, with exit 17", async () => {
    const parent = tempDir("read-only");
    const result = await slipwayUnder(
      ["--ro-bind", parent, parent],
      ["--data-dir", path.join(parent, "slipway", "data"), "demo"],
    );
    assert.equal(result.code, 17, result.stderr);
    assertOneLine(
      result.stderr,
      new RegExp(
        `the data directory ${parent}/slipway/data is not writable \\(a read-only file system at ${parent}\\)`,
      ),
    );
  });

  test("an existing store on a read-only file system is reported as not writable, with exit 17", async () => {
    const dataDir = path.join(tempDir("read-only-store"), "data");
    mkdirSync(dataDir);
    await (await openSqliteStore(path.join(dataDir, "slipway.db"))).close();
    const result = await slipwayUnder(["--ro-bind", dataDir, dataDir], ["--data-dir", dataDir, "runs"]);
    assert.equal(result.code, 17, result.stderr);
    assertOneLine(
      result.stderr,
      new RegExp(`the data directory ${dataDir} is not writable \\(a read-only file system\\)`),
    );
  });
});
