// A run whose process is killed mid-run leaves the store consistent: reading commands leave it alone,
// the next writing start (run, worker) marks it interrupted and removes its worktree.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, slipwayBin } from "./helpers/cli.ts";
import { makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

test("a killed run is left alone by `runs` and marked interrupted by the next writing start, its worktree removed", async () => {
  const repo = makeRepo();
  const setup = await setUpScriptedRun(
    {
      turns: [
        {
          text: "thinking slowly",
          delayMs: 30_000,
          toolCalls: [{ name: "finish", input: { summary: "x" } }],
        },
      ],
    },
    "anthropic",
    // A short lease: the killed run's expires soon, and recovery goes by lease alone.
    { queue: { leaseSeconds: 1 } },
  );
  try {
    const child = spawn(
      process.execPath,
      [slipwayBin, ...baseArgs(setup), "run", "--repo", repo, "--task", "x"],
      {
        env: setup.env,
        stdio: "ignore",
      },
    );
    // Wait (bounded) until the run is inside its first model call, then kill it without warning.
    for (let waited = 0; setup.server.requests.length === 0; waited += 100) {
      assert.ok(waited < 60_000, "the run never reached the model");
      await sleep(100);
    }
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("close", resolve));

    // A reading command never recovers: from here it cannot tell a dead run from one another host
    // or PID namespace is running, so the run and its worktree stay as they are.
    const before = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    const seen = JSON.parse(before.stdout) as { id: string; status: string; worktree?: string }[];
    assert.equal(seen[0]!.status, "running");
    assert.ok(seen[0]!.worktree && existsSync(seen[0]!.worktree), `worktree ${seen[0]!.worktree} kept`);
    // Once its lease has expired, a writing start recovers it (here a worker with nothing to do).
    await sleep(1_500);
    const worker = await runCli([...baseArgs(setup), "worker", "--once"], { env: setup.env });
    assert.equal(worker.code, 0, worker.stderr);
    const listed = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    const runs = JSON.parse(listed.stdout) as {
      id: string;
      outcome: string;
      status: string;
      worktree?: string;
    }[];
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.status, "finished");
    assert.equal(runs[0]!.outcome, "interrupted");
    assert.equal(existsSync(path.join(setup.dataDir, "worktrees", runs[0]!.id)), false);
    // The killed run's volume is unmounted and its image removed by the next start's recovery.
    assert.equal(existsSync(path.join(setup.dataDir, "volumes", runs[0]!.id)), false);
    assert.equal(existsSync(path.join(setup.dataDir, "volumes", `${runs[0]!.id}.img`)), false);
    const shown = await runCli([...baseArgs(setup), "show", runs[0]!.id, "--json"], { env: setup.env });
    const { events } = JSON.parse(shown.stdout) as { events: { type: string }[] };
    assert.equal(events.at(-1)!.type, "run-interrupt");
  } finally {
    await setup.server.close();
  }
});
