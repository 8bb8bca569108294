// Security class "spend without limit" (issue 11): the judge's calls count toward the run's token
// and dollar limits, and the run's wall time covers the agent's tools and the gate's checks.
// End to end through the real CLI, the scripted model server and the test sandbox (bwrap here).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { ScriptTurn } from "../../src/models/scripted-server/script.ts";
import { runCli } from "../helpers/cli.ts";
import { addProject, makeRepo } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

const finishTurn: ScriptTurn = { toolCalls: [{ name: "finish", input: { summary: "done" } }] };
const fixTurn: ScriptTurn = {
  toolCalls: [{ name: "edit_file", input: { path: "src/add.js", oldText: "a + b", newText: "b + a" } }],
};
const approval: ScriptTurn = {
  text: JSON.stringify({ verdict: "approve", in_scope: true, problems: [], confidence: 0.9 }),
  usage: { inputTokens: 700, outputTokens: 25 },
};

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function run(
  turns: ScriptTurn[],
  options: { config?: Record<string, unknown>; flags?: string[]; files?: Record<string, string> },
) {
  const repo = makeRepo(options.files ?? addProject);
  const setup = await setUpScriptedRun({ turns }, "anthropic", options.config);
  cleanups.push(() => setup.server.close());
  const result = await runCli(
    [
      ...baseArgs(setup),
      "run",
      "--repo",
      repo,
      "--task",
      "tidy the code",
      "--json",
      ...(options.flags ?? []),
    ],
    // An old build waits out a 600 s command here: the CLI's own timeout is the failure.
    { env: setup.env, timeoutMs: 90_000 },
  );
  assert.ok(result.stdout, `no report (exit ${result.code}): ${result.stderr}`);
  const shown = await runCli([...baseArgs(setup), "show", JSON.parse(result.stdout).runId, "--json"], {
    env: setup.env,
  });
  const events = JSON.parse(shown.stdout).events as { type: string; data: Record<string, unknown> }[];
  return { result, report: JSON.parse(result.stdout), events, server: setup.server };
}

/** Files whose diff the judge reads in one chunk each (2,000 characters per chunk). */
function paddingFiles(count: number): ScriptTurn {
  const line = `// ${"the quick brown fox jumps over the lazy dog ".repeat(1)}`.padEnd(60, "-");
  return {
    toolCalls: Array.from({ length: count }, (_, index) => ({
      name: "create_file",
      input: {
        path: `docs/part${index}.js`,
        content: `${Array.from({ length: 28 }, () => line).join("\n")}\n`,
      },
    })),
  };
}

/** A run whose diff the judge reads in 9+ chunks under `flags`; its judge calls and chunk count. */
async function judgeManyChunks(flags: string[]) {
  const outcome = await run(
    [fixTurn, paddingFiles(9), finishTurn, ...Array.from({ length: 12 }, () => approval)],
    {
      config: { judge: { enabled: true, chunkChars: 2000 }, guards: { maxFilesChanged: 50 } },
      flags,
    },
  );
  const chunks = Number(outcome.events.find((event) => event.type === "judge-start")?.data.chunks);
  const judgeCalls = outcome.server.requests.filter((request) =>
    JSON.stringify(request.body).includes("independent code reviewer"),
  ).length;
  return { ...outcome, chunks, judgeCalls };
}

describe("the judge spends from the run's limits", () => {
  test("a diff in many chunks stops the judge at the token limit; nothing is committed", async () => {
    const maxTokens = 4_000;
    const { report, chunks, judgeCalls } = await judgeManyChunks(["--max-tokens", String(maxTokens)]);
    assert.ok(chunks >= 8, `only ${chunks} chunks`);
    assert.ok(judgeCalls < chunks, `the judge was asked ${judgeCalls} times for ${chunks} chunks`);
    assert.equal(report.outcome, "token_limit", JSON.stringify(report));
    const total =
      report.inputTokens +
      report.outputTokens +
      report.review.judgeInputTokens +
      report.review.judgeOutputTokens;
    assert.ok(total <= maxTokens, `${total} tokens spent of ${maxTokens}`);
    assert.equal(report.commit, undefined);
  });
});

describe("the judge spends from the run's dollars too", () => {
  test("a diff in many chunks stops the judge at the cost limit; nothing is committed", async () => {
    const maxCostUsd = 0.004;
    const { report, chunks, judgeCalls } = await judgeManyChunks(["--max-cost-usd", String(maxCostUsd)]);
    assert.ok(report.review.judgeCostUsd > 0, "positive control: the judge's calls are priced");
    assert.ok(judgeCalls < chunks, `the judge was asked ${judgeCalls} times for ${chunks} chunks`);
    assert.equal(report.outcome, "cost_limit", JSON.stringify(report));
    assert.ok(report.costUsd + report.review.judgeCostUsd <= maxCostUsd);
    assert.equal(report.commit, undefined);
  });
});

// Each run has its own repository, data directory and model server: the three wait out their
// deadlines at once.
describe("the wall-time limit covers tools and the gate", { concurrency: true }, () => {
  test("a gate check that asks for a day ends at the run's deadline as time_limit", async () => {
    const files = {
      ...addProject,
      ".slipway.yml":
        "verify:\n  replace: true\n  commands:\n    - name: slow\n      run: sleep 600\n      timeoutSeconds: 86400\n",
    };
    const { report, events } = await run([fixTurn, finishTurn], { files, flags: ["--max-minutes", "0.15"] });
    assert.ok(
      events.some((event) => event.type === "verify-start"),
      "the gate never started its checks",
    );
    assert.equal(report.outcome, "time_limit", JSON.stringify(report));
  });

  test("a judge that takes its time is cut off at the run's deadline as time_limit", async () => {
    const slowJudge: ScriptTurn = { ...approval, delayMs: 60_000 };
    const { report, events } = await run([fixTurn, finishTurn, slowJudge], {
      config: { judge: { enabled: true } },
      flags: ["--max-minutes", "0.15"],
    });
    assert.ok(
      events.some((event) => event.type === "judge-start"),
      "the judge was never asked",
    );
    assert.equal(report.outcome, "time_limit", JSON.stringify(report));
    assert.equal(report.commit, undefined);
  });

  test("an agent command with a long timeout ends at the run's deadline as time_limit", async () => {
    const { report, events } = await run(
      [{ toolCalls: [{ name: "run_command", input: { command: "sleep 600" } }] }, finishTurn],
      {
        config: { commands: { allowlist: ["sleep"], timeoutSeconds: 3600 } },
        flags: ["--max-minutes", "0.15"],
      },
    );
    assert.ok(
      events.some((event) => event.type === "tool-result"),
      "the command never ended",
    );
    assert.equal(report.outcome, "time_limit", JSON.stringify(report));
  });
});
