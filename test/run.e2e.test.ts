// End to end: `slipway run` on a real Node repository with a real `node --test` suite, the real
// provider clients talking to the scripted model server, through both wire protocols and all
// three providers (Anthropic, OpenAI, and an OpenAI-compatible local server).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, type Protocol, setUpScriptedRun, testPrice } from "./helpers/scripted-run.ts";

const stringsTest = [
  'import assert from "node:assert/strict";',
  'import { test } from "node:test";',
  'import { add } from "../src/add.js";',
  "",
  'test("adds numeric strings", () => {',
  '  assert.equal(add("2", "3"), 5);',
  "});",
  "",
].join("\n");

const buggy = "return Number(a) + Number(b) + 1;";
const fixed = "return Number(a) + Number(b);";

const script: ModelScript = {
  turns: [
    {
      text: "Reading the code.",
      toolCalls: [{ name: "read_file", input: { path: "src/add.js" } }],
      usage: { inputTokens: 100, outputTokens: 10 },
    },
    {
      toolCalls: [
        { name: "edit_file", input: { path: "src/add.js", oldText: "return a + b;", newText: buggy } },
        { name: "create_file", input: { path: "test/strings.test.js", content: stringsTest } },
      ],
      usage: { inputTokens: 200, outputTokens: 50 },
    },
    { toolCalls: [{ name: "verify", input: {} }], usage: { inputTokens: 300, outputTokens: 5 } },
    {
      toolCalls: [{ name: "edit_file", input: { path: "src/add.js", oldText: buggy, newText: fixed } }],
      usage: { inputTokens: 400, outputTokens: 20 },
    },
    { toolCalls: [{ name: "verify", input: {} }], usage: { inputTokens: 500, outputTokens: 5 } },
    {
      toolCalls: [{ name: "finish", input: { summary: "add() converts both arguments to numbers." } }],
      usage: { inputTokens: 600, outputTokens: 30 },
    },
    {
      text: JSON.stringify({ verdict: "approve", in_scope: true, problems: [], confidence: 0.95 }),
      usage: { inputTokens: 900, outputTokens: 20 },
    },
  ],
};

/** The judge's default model for an agent on `<protocol>:test-model`, and its built-in price. */
const judgeModels = {
  anthropic: { id: "claude-haiku-4-5", price: { inputPerMillion: 1, outputPerMillion: 5 } },
  openai: { id: "gpt-5-mini", price: { inputPerMillion: 0.25, outputPerMillion: 2 } },
  // A local server judges with the agent's own model, priced as the test prices it.
  "openai-compatible": { id: "test-model", price: testPrice },
};

const task = 'add() also accepts numeric strings: add("2", "3") returns 5';

for (const protocol of ["anthropic", "openai", "openai-compatible"] satisfies Protocol[]) {
  describe(`slipway run through the ${protocol} protocol`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const cleanup of cleanups) await cleanup();
    });

    test("takes the task to one verified commit on its branch, with the full trace and exact usage", async () => {
      const repo = makeRepo();
      const setup = await setUpScriptedRun(script, protocol, { judge: { enabled: true } });
      cleanups.push(() => setup.server.close());

      const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", task, "--json"], {
        env: setup.env,
      });

      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.equal(report.outcome, "success");
      assert.equal(report.turns, 6);
      assert.equal(report.inputTokens, 2100);
      assert.equal(report.outputTokens, 120);
      const expectedCost = (2100 * testPrice.inputPerMillion + 120 * testPrice.outputPerMillion) / 1e6;
      assert.ok(Math.abs(report.costUsd - expectedCost) < 1e-12, `cost ${report.costUsd} ≠ ${expectedCost}`);
      assert.deepEqual([...report.filesChanged].sort(), ["src/add.js", "test/strings.test.js"]);

      // The agent saw the failing test's name in the verify summary it was sent back.
      assert.equal(setup.server.requests.length, 7);
      const afterFirstVerify = JSON.stringify(setup.server.requests[3]!.body);
      assert.match(afterFirstVerify, /adds numeric strings/);
      assert.match(JSON.stringify(setup.server.requests[5]!.body), /✓ test/);

      // The judge: its own (cheaper) model, the task and the diff, never the agent's reasoning.
      const judged = setup.server.requests[6]!.body as { model: string };
      const judgeText = JSON.stringify(judged);
      assert.equal(judged.model, judgeModels[protocol].id);
      assert.match(judgeText, /independent code reviewer/);
      assert.match(judgeText, /accepts numeric strings/);
      assert.match(judgeText, /\+\s+return Number\(a\) \+ Number\(b\);/);
      assert.doesNotMatch(judgeText, /Reading the code|converts both arguments/);
      assert.deepEqual(report.review.verdicts, ["approve"]);
      assert.equal(report.review.judgeInputTokens, 900);
      const judgePrice = judgeModels[protocol].price;
      const judgeCost = (900 * judgePrice.inputPerMillion + 20 * judgePrice.outputPerMillion) / 1e6;
      assert.ok(Math.abs(report.review.judgeCostUsd - judgeCost) < 1e-12);

      // One commit on the branch, delivered to the source repository, with the run trailer.
      assert.equal(git(repo, "rev-list", "--count", `main..${report.branch}`), "1");
      const message = git(repo, "log", "-1", "--format=%B", report.branch);
      assert.match(message, new RegExp(`Slipway-Run: ${report.runId}`));
      assert.equal(git(repo, "show", `${report.branch}:src/add.js`).includes(fixed), true);
      assert.equal(git(repo, "rev-parse", "--abbrev-ref", "HEAD"), "main");

      // The worktree and the disk-capped volume that held it are gone; the trace shows every step.
      assert.equal(existsSync(path.join(setup.dataDir, "worktrees", report.runId)), false);
      assert.equal(existsSync(path.join(setup.dataDir, "volumes", report.runId)), false);
      assert.equal(existsSync(path.join(setup.dataDir, "volumes", `${report.runId}.img`)), false);
      const shown = await runCli([...baseArgs(setup), "show", report.runId, "--json"], { env: setup.env });
      assert.equal(shown.code, 0, shown.stderr);
      const { events } = JSON.parse(shown.stdout) as {
        events: { type: string; data: Record<string, unknown> }[];
      };
      const toolNames = events.filter((event) => event.type === "tool-call").map((event) => event.data.name);
      assert.deepEqual(toolNames, [
        "read_file",
        "edit_file",
        "create_file",
        "verify",
        "edit_file",
        "verify",
        "finish",
      ]);
      assert.equal(events.filter((event) => event.type === "model-response").length, 6);
      const verifyEnds = events.filter((event) => event.type === "verify-end");
      assert.deepEqual(
        verifyEnds.map((event) => [event.data.speed, event.data.passed]),
        [
          ["fast", false],
          ["fast", true],
          ["full", true],
        ],
      );
      assert.equal(events.at(-1)!.type, "run-end");

      const human = await runCli([...baseArgs(setup), "show", report.runId], { env: setup.env });
      assert.match(human.stdout, /adds numeric strings/);
      assert.match(human.stdout, /→ edit_file/);
    });
  });
}

describe("slipway runs", () => {
  test("lists a finished run with its outcome", async () => {
    const repo = makeRepo();
    const setup = await setUpScriptedRun(
      { turns: [{ toolCalls: [{ name: "finish", input: { summary: "nothing to do" } }] }] },
      "anthropic",
    );
    try {
      const run = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "nothing", "--json"], {
        env: setup.env,
      });
      const report = JSON.parse(run.stdout);
      assert.equal(report.outcome, "no_change");
      assert.equal(run.code, 3);
      const listed = await runCli([...baseArgs(setup), "runs"], { env: setup.env });
      assert.match(listed.stdout, new RegExp(`${report.runId}.*no_change`));
      assert.equal(readFileSync(path.join(repo, "src/add.js"), "utf8").includes("a + b"), true);
    } finally {
      await setup.server.close();
    }
  });
});
