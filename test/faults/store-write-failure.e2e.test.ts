// A store write that fails mid-run (another process holds SQLite's write lock past the 5 s bound)
// is retried within a bound; then the run ends with that cause, prints its report and still cleans
// up, instead of exiting 1 half-recorded and later being called interrupted.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "../helpers/cli.ts";
import { makeRepo } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

/** Another process that takes the store's write lock, says so, and holds it for `holdMs`. */
function holdWriteLock(file: string, holdMs: number): { locked: Promise<void>; done: Promise<void> } {
  const code = `
    const { DatabaseSync } = require("node:sqlite");
    const db = new DatabaseSync(process.argv[1], { timeout: 10000 });
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ["-e", code, file, String(holdMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("error", reject);
  });
  const done = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return { locked, done };
}

test("a run whose store stays locked past the bound ends as error 'store write failed', with its report and cleanup", async () => {
  const repo = makeRepo();
  const setup = await setUpScriptedRun(
    { turns: [{ text: "done", delayMs: 500, toolCalls: [{ name: "finish", input: { summary: "x" } }] }] },
    "anthropic",
  );
  try {
    const running = runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "x"], {
      env: setup.env,
      timeoutMs: 90_000,
    });
    for (let waited = 0; setup.server.requests.length === 0; waited += 50) {
      assert.ok(waited < 60_000, "the run never reached the model");
      await sleep(50);
    }
    // Held while the model answers and the agent records it: past the store's 5 s wait, inside the retry bound.
    const lock = holdWriteLock(path.join(setup.dataDir, "slipway.db"), 7_000);
    await lock.locked;
    const result = await running;
    await lock.done;
    assert.match(result.stdout + result.stderr, /store write failed: /, result.stderr);

    const listed = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    const [run] = JSON.parse(listed.stdout) as {
      id: string;
      status: string;
      outcome: string;
      outcomeDetail: string;
      worktree?: string;
    }[];
    assert.equal(run?.status, "finished");
    assert.equal(run.outcome, "error");
    assert.match(run.outcomeDetail, /^store write failed: .*(busy|lock)/i);
    assert.equal(run.worktree, undefined, "cleanup ran and was recorded");
    assert.equal(existsSync(path.join(setup.dataDir, "worktrees", run.id)), false);
  } finally {
    await setup.server.close();
  }
});
