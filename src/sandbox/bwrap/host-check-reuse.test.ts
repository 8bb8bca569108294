// The bwrap backend checks the host once for a run's start and its sandboxes: a passed check is
// reused for a minute, a failed one is asked again. Counted through a bwrap that logs its calls.
import assert from "node:assert/strict";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { tempDirectory } from "../sandbox.contract.ts";
import { createBwrapBackend } from "./bwrap-sandbox.ts";
import { findOnPath } from "./toolchain-mounts.ts";

const realBwrap = findOnPath("bwrap", process.env.PATH ?? "");
const skip = realBwrap ? false : "bwrap is not installed";
if (skip) console.log(`# skipping the host check reuse tests: ${skip}`);

/** A bwrap that writes each call's first argument to `log`, then runs the real one (or fails probes). */
function loggingBwrap(directory: string, name: string, failProbes: boolean): { bwrap: string; log: string } {
  const bwrap = path.join(directory, name);
  const log = path.join(directory, `${name}.log`);
  const probe = failProbes ? `[ "$1" = --version ] || exit 1\n` : "";
  writeFileSync(bwrap, `#!/bin/sh\necho "$1" >> ${log}\n${probe}exec ${realBwrap} "$@"\n`);
  chmodSync(bwrap, 0o755);
  writeFileSync(log, "");
  return { bwrap, log };
}

const versionChecks = (log: string) =>
  readFileSync(log, "utf8")
    .split("\n")
    .filter((line) => line === "--version").length;

describe("bwrap host check reuse", { skip }, () => {
  const scratch = tempDirectory("bwrap-reuse");
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("the sandbox a run creates after its start's availability check does not check the host again", async () => {
    const { bwrap, log } = loggingBwrap(scratch, "bwrap-ok", false);
    const backend = createBwrapBackend({ bwrapPath: bwrap });
    assert.equal((await backend.availability()).available, true);
    const sandbox = await backend.create({
      worktree: scratch,
      allowHosts: [],
      memoryMb: 256,
      maxProcesses: 32,
    });
    try {
      assert.equal(
        (await sandbox.exec({ command: "true", args: [], timeoutMs: 30_000, maxOutputBytes: 1024 })).exitCode,
        0,
      );
    } finally {
      await sandbox.dispose();
    }
    assert.equal(versionChecks(log), 1, readFileSync(log, "utf8"));
  });

  test("a failed check is not kept: the next ask checks again", async () => {
    const { bwrap, log } = loggingBwrap(scratch, "bwrap-failing", true);
    const backend = createBwrapBackend({ bwrapPath: bwrap });
    assert.equal((await backend.availability()).available, false);
    assert.equal((await backend.availability()).available, false);
    assert.equal(versionChecks(log), 2);
  });
});
