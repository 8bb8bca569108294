// Each limit ends a run with its own outcome; transient model errors are retried; malformed tool
// calls are answered with an error the model can act on and the run goes on.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { ModelScript, ScriptTurn } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const readTurn: ScriptTurn = {
  toolCalls: [{ name: "read_file", input: { path: "src/add.js" } }],
  usage: { inputTokens: 100, outputTokens: 10 },
};
const finishTurn: ScriptTurn = {
  toolCalls: [{ name: "finish", input: { summary: "done" } }],
  usage: { inputTokens: 10, outputTokens: 1 },
};

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function runScript(script: ModelScript, flags: string[]) {
  const repo = makeRepo();
  const setup = await setUpScriptedRun(script, "anthropic");
  cleanups.push(() => setup.server.close());
  const result = await runCli(
    [...baseArgs(setup), "run", "--repo", repo, "--task", "read add.js", "--json", ...flags],
    { env: setup.env },
  );
  return { result, report: result.stdout ? JSON.parse(result.stdout) : undefined, server: setup.server };
}

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("run limits", { concurrency: true }, () => {
  test("the turn limit ends the run as turn_limit after that many model calls", async () => {
    const { result, report, server } = await runScript({ turns: [readTurn, readTurn, readTurn] }, [
      "--max-turns",
      "2",
    ]);
    assert.equal(report.outcome, "turn_limit");
    assert.equal(result.code, 7);
    assert.equal(server.requests.length, 2);
  });

  test("the token limit ends the run as token_limit once input + output reach it", async () => {
    const { result, report, server } = await runScript({ turns: [readTurn, readTurn, readTurn] }, [
      "--max-tokens",
      "150",
    ]);
    assert.equal(report.outcome, "token_limit");
    assert.equal(result.code, 9);
    assert.equal(server.requests.length, 2);
    assert.equal(report.inputTokens + report.outputTokens, 220);
  });

  test("the cost limit ends the run as cost_limit once the priced usage reaches it", async () => {
    // Each turn costs 100 × $3/M + 10 × $15/M = $0.00045; the third call passes $0.001.
    const { result, report, server } = await runScript({ turns: [readTurn, readTurn, readTurn, readTurn] }, [
      "--max-cost-usd",
      "0.001",
    ]);
    assert.equal(report.outcome, "cost_limit");
    assert.equal(result.code, 10);
    assert.equal(server.requests.length, 3);
  });

  test("the time limit ends the run as time_limit even while a model call is pending", async () => {
    const slow: ScriptTurn = { ...readTurn, delayMs: 20_000 };
    const { result, report } = await runScript({ turns: [slow, readTurn] }, ["--max-minutes", "0.03"]);
    assert.equal(report.outcome, "time_limit");
    assert.equal(result.code, 8);
  });
});

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("model errors", { concurrency: true }, () => {
  test("a 429 with retry-after is retried and the run continues", async () => {
    const { report, server } = await runScript(
      { turns: [{ error: { status: 429, retryAfterSeconds: 0 } }, readTurn, finishTurn] },
      [],
    );
    assert.equal(report.outcome, "no_change");
    assert.equal(server.requests.length, 3);
  });

  test("a 500 is retried and the run continues", async () => {
    const { report, server } = await runScript({ turns: [{ error: { status: 500 } }, finishTurn] }, []);
    assert.equal(report.outcome, "no_change");
    assert.equal(server.requests.length, 2);
  });

  test("a model that keeps failing ends the run as model_failed with the status", async () => {
    const failing: ScriptTurn = { error: { status: 400, message: "bad request from the script" } };
    const { result, report } = await runScript({ turns: [failing] }, []);
    assert.equal(report.outcome, "model_failed");
    assert.equal(result.code, 11);
    assert.match(report.detail, /400/);
  });
});

describe("malformed tool calls", () => {
  test("bad JSON, an unknown tool and a path outside the worktree each get an actionable error", async () => {
    const { report, server } = await runScript(
      {
        turns: [
          {
            toolCalls: [
              { name: "read_file", rawInput: '{"path": "src/add.js"' },
              { name: "delete_everything", input: {} },
              { name: "read_file", input: { path: "../../../etc/passwd" } },
              { name: "read_file", input: { path: 42 } },
            ],
          },
          finishTurn,
        ],
      },
      [],
    );
    assert.equal(report.outcome, "no_change");
    const answered = JSON.stringify(server.requests[1]!.body);
    assert.match(answered, /not valid JSON/);
    assert.match(answered, /no tool named \\"delete_everything\\"/);
    assert.match(answered, /outside the worktree/);
    assert.match(answered, /path/);
  });
});
