// Security class "what is committed is not what was reviewed" (issue 10, breaches 2 and 5): the
// tree is frozen before review and committed exactly; the gate's settings come from the base commit.
// End to end through the real CLI, the scripted model server and the test sandbox (bwrap here).
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { ScriptTurn } from "../../src/models/scripted-server/script.ts";
import type { ScriptedModelServer } from "../../src/models/scripted-server/scripted-model-server.ts";
import { runCli } from "../helpers/cli.ts";
import { addProject, git, makeRepo } from "../helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "../helpers/scripted-run.ts";

const task = 'add() also accepts numeric strings: add("2", "3") returns 5';
const fixTurn: ScriptTurn = {
  toolCalls: [
    {
      name: "edit_file",
      input: { path: "src/add.js", oldText: "return a + b;", newText: "return Number(a) + Number(b);" },
    },
  ],
};
const finishTurn: ScriptTurn = { toolCalls: [{ name: "finish", input: { summary: "add() converts" } }] };
/** The judge approves after a pause: the window in which the test plays the process left behind. */
const slowApproval: ScriptTurn = {
  text: JSON.stringify({ verdict: "approve", in_scope: true, problems: [], confidence: 0.9 }),
  delayMs: 5_000,
};

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

interface TraceEvent {
  type: string;
  data: Record<string, unknown>;
}

async function setUp(turns: ScriptTurn[], config: Record<string, unknown>, files = addProject) {
  const repo = makeRepo(files);
  const setup = await setUpScriptedRun({ turns }, "anthropic", config);
  cleanups.push(() => setup.server.close());
  return { repo, setup };
}

function startRun(setup: ScriptedRunSetup, repo: string) {
  return runCli([...baseArgs(setup), "run", "--repo", repo, "--task", task, "--json"], { env: setup.env });
}

async function traceOf(setup: ScriptedRunSetup, runId: string): Promise<TraceEvent[]> {
  const shown = await runCli([...baseArgs(setup), "show", runId, "--json"], { env: setup.env });
  assert.equal(shown.code, 0, shown.stderr);
  return JSON.parse(shown.stdout).events as TraceEvent[];
}

/** Wait (bounded) until the judge has been asked: by then the guards and the judge's diff are read. */
async function judgeAsked(server: ScriptedModelServer): Promise<void> {
  for (let attempt = 0; attempt < 2_400; attempt++) {
    if (server.requests.some((request) => JSON.stringify(request.body).includes("independent code reviewer")))
      return;
    await sleep(25);
  }
  throw new Error("the judge was never asked within 60 s");
}

/** The one worktree of the setup's data directory (the run's, while it runs, on its disk volume). */
function runWorktree(setup: ScriptedRunSetup): string {
  const root = path.join(setup.dataDir, "volumes");
  const names = readdirSync(root).filter((name) => !name.endsWith(".img"));
  assert.equal(names.length, 1, `run volumes: ${names.join(", ")}`);
  return path.join(root, names[0]!, "worktree");
}

function branchExists(repo: string, branch: string): boolean {
  return git(repo, "branch", "--list", branch) !== "";
}

// Each test is a run of its own (repository, data directory, model server): they run at once.
describe("what is committed is what was reviewed", { concurrency: true }, () => {
  test("a file of the reviewed tree rewritten after review fails the run; nothing is committed", async () => {
    const { repo, setup } = await setUp([fixTurn, finishTurn, slowApproval], { judge: { enabled: true } });
    const running = startRun(setup, repo);
    await judgeAsked(setup.server);
    // What a process the agent left behind would do once the diff was read: change the reviewed code.
    appendFileSync(path.join(runWorktree(setup), "src/add.js"), "export const backdoor = 1;\n");
    const result = await running;
    const report = JSON.parse(result.stdout);
    assert.equal(report.outcome, "error", result.stdout);
    assert.match(report.detail, /changed after review \(src\/add\.js\)/);
    assert.equal(branchExists(repo, report.branch), false);
  });

  test("a file added after review is left out: the commit's tree is the frozen tree in the trace", async () => {
    const { repo, setup } = await setUp([fixTurn, finishTurn, slowApproval], { judge: { enabled: true } });
    const running = startRun(setup, repo);
    await judgeAsked(setup.server);
    writeFileSync(path.join(runWorktree(setup), "src/unreviewed.js"), "export const backdoor = 1;\n");
    const result = await running;
    const report = JSON.parse(result.stdout);
    assert.equal(report.outcome, "success", result.stdout);
    assert.deepEqual(git(repo, "diff", "--name-only", "main", report.branch).split("\n"), ["src/add.js"]);
    const events = await traceOf(setup, report.runId);
    const frozen = events.filter((event) => event.type === "tree-freeze").map((event) => event.data.tree);
    assert.equal(frozen.length, 1);
    const committedTree = git(repo, "rev-parse", `${report.branch}^{tree}`);
    assert.equal(committedTree, frozen[0]);
    assert.equal(events.find((event) => event.type === "commit-create")?.data.tree, committedTree);
  });

  test("a gate check that changes a file of the frozen tree fails the run as verify_failed", async () => {
    const files = {
      ...addProject,
      ".slipway.yml":
        "verify:\n  commands:\n    - name: rewrites-source\n      run: node scripts/rewrite.cjs\n",
      "scripts/rewrite.cjs": 'require("node:fs").appendFileSync("src/add.js", "export const x = 1;\\n");\n',
    };
    const { repo, setup } = await setUp([fixTurn, finishTurn], {}, files);
    const result = await startRun(setup, repo);
    const report = JSON.parse(result.stdout);
    assert.equal(report.outcome, "verify_failed", result.stdout);
    assert.match(report.detail, /the checks changed files of the verified tree \(src\/add\.js\)/);
    const events = await traceOf(setup, report.runId);
    assert.ok(
      events.some(
        (event) => event.type === "verify-start" && String(event.data.checks).includes("rewrites-source"),
      ),
    );
    assert.equal(branchExists(repo, report.branch), false);
  });
});

describe("verification settings come from the base commit", () => {
  test("a .slipway.yml written by the agent that replaces the checks is not what the gate runs", async () => {
    const agentConfig =
      'verify:\n  replace: true\n  commands:\n    - name: agent-check\n      run: "node -e 0"\n';
    const { repo, setup } = await setUp(
      [
        { toolCalls: [{ name: "create_file", input: { path: ".slipway.yml", content: agentConfig } }] },
        // The change breaks the repository's own tests, which only the base's settings run.
        {
          toolCalls: [
            { name: "edit_file", input: { path: "src/add.js", oldText: "a + b", newText: "a - b" } },
          ],
        },
        finishTurn,
      ],
      { verify: { maxRetries: 0 } },
    );
    const result = await startRun(setup, repo);
    const report = JSON.parse(result.stdout);
    const events = await traceOf(setup, report.runId);
    const checks = events
      .filter((event) => event.type === "verify-start")
      .flatMap((event) => event.data.checks);
    assert.ok(checks.length > 0, "the gate ran no check");
    assert.ok(!checks.includes("agent-check"), `the gate ran the agent's check: ${checks.join(", ")}`);
    assert.equal(report.outcome, "verify_failed", result.stdout);
  });
});
