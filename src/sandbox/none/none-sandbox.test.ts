// Runs the sandbox contract against the `none` (host) backend, and checks it refuses what it
// cannot enforce.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { SandboxError } from "../../core/errors.ts";
import { describeSandboxContract } from "../sandbox.contract.ts";
import { noneSandboxBackend } from "./none-sandbox.ts";

describeSandboxContract(noneSandboxBackend);

test("none refuses allowed hosts: it has no network wall to keep them to", async () => {
  const worktree = mkdtempSync(path.join(tmpdir(), "slipway-none-hosts-"));
  try {
    await assert.rejects(
      noneSandboxBackend.create({
        worktree,
        allowHosts: ["registry.npmjs.org"],
        memoryMb: 512,
        maxProcesses: 64,
      }),
      (error) => SandboxError.isInstance(error) && /no network wall/.test(error.message),
    );
  } finally {
    rmSync(worktree, { recursive: true, force: true });
  }
});
