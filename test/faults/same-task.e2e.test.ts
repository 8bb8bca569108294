// Two runs of the same task at once: the one that finds the task's branch checked out by the other
// stands down with its own outcome (task_busy, exit 20) naming the other run, not `error` with
// git's raw "already checked out" message; the other goes on (here until it is stopped).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, slipwayBin } from "../helpers/cli.ts";
import { makeRepo } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

test("the loser of two concurrent runs of one task ends task_busy, naming the winner", async () => {
  const repo = makeRepo();
  const setup = await setUpScriptedRun(
    {
      turns: [{ text: "working", delayMs: 30_000, toolCalls: [{ name: "finish", input: { summary: "x" } }] }],
    },
    "anthropic",
  );
  try {
    const args = [...baseArgs(setup), "run", "--repo", repo, "--task", "same task"];
    const first = spawn(process.execPath, [slipwayBin, ...args], { env: setup.env, stdio: "ignore" });
    const firstEnded = new Promise<number | null>((resolve) => first.once("close", resolve));
    // The first run holds the task's branch once it waits on the model.
    for (let waited = 0; setup.server.requests.length === 0; waited += 50) {
      assert.ok(waited < 60_000, "the first run never reached the model");
      await sleep(50);
    }
    const second = await runCli(args, { env: setup.env, timeoutMs: 60_000 });
    assert.equal(second.code, 20, second.stdout + second.stderr);
    assert.doesNotMatch(second.stdout + second.stderr, /already (checked out|used by worktree)/);
    // The winner is not needed to the end: stopped, it records itself interrupted.
    first.kill("SIGINT");
    await firstEnded;

    const listed = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    const runs = JSON.parse(listed.stdout) as { id: string; outcome: string; outcomeDetail: string }[];
    const loser = runs.find((run) => run.outcome === "task_busy");
    const winner = runs.find((run) => run.outcome !== "task_busy");
    assert.ok(loser && winner, listed.stdout);
    assert.match(loser.outcomeDetail, new RegExp(`run ${winner.id} of the same task is working on branch`));
    assert.equal(winner.outcome, "interrupted", winner.outcomeDetail);
  } finally {
    await setup.server.close();
  }
});
