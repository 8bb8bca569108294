// A run stopped by SIGINT in the middle of its agent stage keeps the turns, tokens and cost it spent
// before the signal: usage is saved after every model call, not only when the stage ends.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, slipwayBin } from "./helpers/cli.ts";
import { makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun, testPrice } from "./helpers/scripted-run.ts";

test("a run interrupted during the agent stage is stored with the turns, tokens and cost it spent", async () => {
  const repo = makeRepo();
  const firstUsage = { inputTokens: 1_200, outputTokens: 300 };
  const setup = await setUpScriptedRun(
    {
      turns: [
        // One call answers at once; the second hangs until the signal stops the run.
        { usage: firstUsage, toolCalls: [{ name: "list_files", input: { path: "." } }] },
        {
          text: "thinking slowly",
          delayMs: 30_000,
          toolCalls: [{ name: "finish", input: { summary: "x" } }],
        },
      ],
    },
    "anthropic",
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
    const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
    // Wait (bounded) until the second model call is in flight: the first one has been answered.
    for (let waited = 0; setup.server.requests.length < 2; waited += 100) {
      assert.ok(waited < 60_000, `the run made ${setup.server.requests.length} model calls, not 2`);
      await sleep(100);
    }
    child.kill("SIGINT");
    assert.equal(await closed, 12, "an interrupted run exits 12");

    const listed = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    const [run] = JSON.parse(listed.stdout) as {
      outcome: string;
      turns: number;
      usage: { inputTokens: number; outputTokens: number; costUsd: number };
    }[];
    assert.equal(run?.outcome, "interrupted");
    assert.equal(run.turns, 1, "the answered call counts");
    assert.equal(run.usage.inputTokens, firstUsage.inputTokens);
    assert.equal(run.usage.outputTokens, firstUsage.outputTokens);
    const cost =
      (firstUsage.inputTokens * testPrice.inputPerMillion +
        firstUsage.outputTokens * testPrice.outputPerMillion) /
      1_000_000;
    assert.ok(Math.abs(run.usage.costUsd - cost) < 1e-9, `cost ${run.usage.costUsd}, expected ${cost}`);
  } finally {
    await setup.server.close();
    rmSync(repo, { recursive: true, force: true });
  }
});
