import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, test } from "node:test";
import { createBwrapBackend } from "../sandbox/bwrap/bwrap-sandbox.ts";
import { contractOptions, tempDirectory } from "../sandbox/sandbox.contract.ts";
import { readSecrets, runSetupCommands } from "./run-setup.ts";
import { setupCommand } from "./setup-detector.ts";

const backend = createBwrapBackend();
const availability = await backend.availability();
const skip = availability.available ? false : `bwrap is not available here: ${availability.reason}`;
if (skip) console.log(`# skipping the setup runner's sandbox cases: ${skip}`);
const worktrees: string[] = [];
after(() => {
  for (const worktree of worktrees) rmSync(worktree, { recursive: true, force: true });
});

async function withSandbox<T>(
  use: (sandbox: Awaited<ReturnType<typeof backend.create>>) => Promise<T>,
): Promise<T> {
  const worktree = tempDirectory("run-setup");
  worktrees.push(worktree);
  const sandbox = await backend.create(contractOptions(worktree));
  try {
    return await use(sandbox);
  } finally {
    await sandbox.dispose();
  }
}

const options = { secrets: {}, timeoutMinutes: 15, signal: AbortSignal.timeout(120_000) };

test("a command past the setup's time budget is killed and named as the cause; the next never starts", {
  skip,
}, async () => {
  const result = await withSandbox((sandbox) =>
    runSetupCommands(sandbox, [setupCommand(["sleep", "60"]), setupCommand(["touch", "second"])], {
      ...options,
      timeoutMs: 300,
    }),
  );
  assert.equal(result.passed, false);
  assert.equal(result.results.length, 1);
  assert.equal(result.results[0]!.timedOut, true);
  assert.equal(result.cause, "sleep 60 ran past setup.timeoutMinutes (15 min)");
});

test("the first failing command stops the setup, with its error line and its secrets blanked", {
  skip,
}, async () => {
  const failing = setupCommand(["sh", "-c", 'echo "error: token $T refused" >&2; exit 3']);
  const result = await withSandbox((sandbox) =>
    runSetupCommands(sandbox, [failing, setupCommand(["touch", "second"])], {
      ...options,
      secrets: { T: "s3cr3t-value" },
      timeoutMs: 60_000,
    }),
  );
  assert.equal(result.passed, false);
  assert.equal(result.results.length, 1);
  assert.match(result.cause!, /failed \(exit 3\): error: token \*\*\* refused$/);
  assert.equal(JSON.stringify(result).includes("s3cr3t-value"), false);
});

test("a failed command naming files by absolute path gives a cause with repository-relative paths", {
  skip,
}, async () => {
  // The worktree is mounted at its own host path, so a tool prints that path.
  const failing = setupCommand(["sh", "-c", 'echo "error: cannot read $(pwd)/requirements.txt" >&2; exit 1']);
  const result = await withSandbox((sandbox) =>
    runSetupCommands(sandbox, [failing], { ...options, timeoutMs: 60_000 }),
  );
  assert.match(result.cause!, /failed \(exit 1\): error: cannot read requirements\.txt$/);
  assert.equal(result.results[0]?.outputTail, "error: cannot read requirements.txt\n");
});

test("secrets are read by name; an unset or empty one is listed as missing", () => {
  assert.deepEqual(readSecrets(["A", "B", "C"], { A: "x", B: "" }), {
    secrets: { A: "x" },
    missing: ["B", "C"],
  });
});
