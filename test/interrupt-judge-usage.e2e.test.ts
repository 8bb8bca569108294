// A run stopped by SIGINT while the judge is reviewing keeps what the judge's answered calls cost:
// judge usage is saved after every judge call, as the agent's is, not only when the review ends.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, slipwayBin } from "./helpers/cli.ts";
import { makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

test("a run interrupted during a judge call is stored with the judge usage spent before it", async () => {
  const repo = makeRepo();
  const judgeUsage = { inputTokens: 700, outputTokens: 25 };
  const setup = await setUpScriptedRun(
    {
      turns: [
        {
          toolCalls: [
            {
              name: "edit_file",
              input: { path: "src/add.js", oldText: "return a + b;", newText: "return b + a;" },
            },
          ],
        },
        { toolCalls: [{ name: "finish", input: { summary: "add() adds b and a." } }] },
        // The judge's first answer is not a verdict (asked again); the second hangs until SIGINT.
        { text: "not a verdict", usage: judgeUsage },
        { text: "{}", delayMs: 30_000 },
      ],
    },
    "anthropic",
    { judge: { enabled: true } },
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
    // Wait (bounded) until the judge's second call is in flight: its first has been answered.
    for (let waited = 0; setup.server.requests.length < 4; waited += 100) {
      assert.ok(waited < 90_000, `the run made ${setup.server.requests.length} model calls, not 4`);
      await sleep(100);
    }
    assert.match(JSON.stringify(setup.server.requests[3]!.body), /independent code reviewer/);
    child.kill("SIGINT");
    assert.equal(await closed, 12, "an interrupted run exits 12");

    const listed = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    const [run] = JSON.parse(listed.stdout) as {
      outcome: string;
      state: { review?: { judgeCalls: number; judgeUsage: { inputTokens: number; outputTokens: number } } };
      totals: { judgeCostUsd: number; totalCostUsd: number };
    }[];
    assert.equal(run?.outcome, "interrupted");
    assert.equal(run.state.review?.judgeCalls, 1, "the answered judge call counts");
    assert.equal(run.state.review.judgeUsage.inputTokens, judgeUsage.inputTokens);
    assert.equal(run.state.review.judgeUsage.outputTokens, judgeUsage.outputTokens);
    // Priced at the judge model's own price (not the agent's test price): some cost, counted in the total.
    assert.ok(run.totals.judgeCostUsd > 0, "the judge's answered call has a cost");
    assert.ok(
      run.totals.totalCostUsd > run.totals.judgeCostUsd,
      "the total holds the agent's cost and the judge's",
    );
  } finally {
    await setup.server.close();
    rmSync(repo, { recursive: true, force: true });
  }
});
