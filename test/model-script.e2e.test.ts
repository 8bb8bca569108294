// End to end: `--model script:FILE` runs a scripted session with no account, `--model replay:RUN_ID`
// reproduces a recorded run through the same client library, and bad model references exit 2.
import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { addProject, git, makeRepo, tempDir } from "./helpers/git-fixture.ts";
import { testSandbox } from "./helpers/scripted-run.ts";

/** A fixture whose test fails until add() adds. */
const buggyProject = { ...addProject, "src/add.js": "export function add(a, b) {\n  return a - b;\n}\n" };

/** The script as a user writes it: the agent's turns, then the judge's verdict. */
const scriptYaml = `# Fix add(): read, edit, verify, finish; the last turn is the judge's verdict.
- text: Reading the code.
  toolCalls:
    - name: read_file
      input: { path: src/add.js }
  usage: { inputTokens: 100, outputTokens: 10 }
- toolCalls:
    - name: edit_file
      input: { path: src/add.js, oldText: "return a - b;", newText: "return a + b;" }
  usage: { inputTokens: 200, outputTokens: 20 }
- toolCalls:
    - { name: verify, input: {} }
  usage: { inputTokens: 300, outputTokens: 5 }
- toolCalls:
    - name: finish
      input: { summary: add() adds again. }
  usage: { inputTokens: 400, outputTokens: 15 }
- text: '{"verdict": "approve", "in_scope": true, "problems": [], "confidence": 0.9}'
  usage: { inputTokens: 900, outputTokens: 20 }
`;

interface Workspace {
  dir: string;
  dataDir: string;
  args: string[];
  env: Record<string, string>;
}

/** A data dir and config (judge on, a price for the script) and an environment with no model key. */
async function workspace(): Promise<Workspace> {
  const dir = tempDir("model-script");
  const dataDir = path.join(dir, "data");
  const configFile = path.join(dir, "slipway.yaml");
  const scriptFile = path.join(dir, "fix-add.yaml");
  writeFileSync(scriptFile, scriptYaml);
  const prices = { [`script:${scriptFile}`]: { inputPerMillion: 3, outputPerMillion: 15 } };
  writeFileSync(configFile, JSON.stringify({ judge: { enabled: true }, prices }));
  const env = cliEnv({ SLIPWAY_SANDBOX: await testSandbox() });
  return { dir, dataDir, args: ["--data-dir", dataDir, "--config", configFile], env };
}

interface Report {
  runId: string;
  outcome: string;
  detail?: string;
  branch: string;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  filesChanged: string[];
  review?: { verdicts: string[] };
}

async function run(ws: Workspace, repo: string, model: string, extra: string[] = []) {
  const result = await runCli(
    [
      ...ws.args,
      "run",
      "--repo",
      repo,
      "--task",
      "add() adds its arguments",
      "--model",
      model,
      "--json",
      ...extra,
    ],
    { env: ws.env },
  );
  const report = result.stdout.trim() === "" ? undefined : (JSON.parse(result.stdout) as Report);
  return { ...result, report };
}

type TraceEvent = { type: string; data: Record<string, unknown> };

async function trace(ws: Workspace, runId: string): Promise<TraceEvent[]> {
  const shown = await runCli([...ws.args, "show", runId, "--json"], { env: ws.env });
  assert.equal(shown.code, 0, shown.stderr);
  return (JSON.parse(shown.stdout) as { events: TraceEvent[] }).events;
}

function toolCalls(events: TraceEvent[]): unknown[] {
  return events
    .filter((event) => event.type === "tool-call")
    .map((event) => [event.data.name, event.data.input]);
}

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("--model script: and --model replay:", { concurrency: true }, () => {
  test("a script file takes a run to success, and replaying that run reproduces its outcome, change and tool calls", async () => {
    const ws = await workspace();
    const repo = makeRepo(buggyProject);
    const scriptFile = path.join(ws.dir, "fix-add.yaml");

    const scripted = await run(ws, repo, `script:${scriptFile}`);
    assert.equal(scripted.code, 0, scripted.stderr);
    assert.match(scripted.stderr, /SCRIPTED: 5 turns from .*fix-add\.yaml/);
    const original = scripted.report!;
    assert.equal(original.outcome, "success");
    assert.deepEqual(original.filesChanged, ["src/add.js"]);
    assert.equal(original.turns, 4);
    // Priced under `prices:` as script:FILE: (100+200+300+400) in, (10+20+5+15) out, at $3 / $15 per million.
    assert.ok(Math.abs(original.costUsd - (1000 * 3 + 50 * 15) / 1e6) < 1e-12, `cost ${original.costUsd}`);
    assert.deepEqual(original.review?.verdicts, ["approve"]);
    assert.match(git(repo, "show", `${original.branch}:src/add.js`), /return a \+ b;/);
    const originalTree = git(repo, "rev-parse", `${original.branch}^{tree}`);
    const originalCalls = toolCalls(await trace(ws, original.runId));

    // The same repository, the same task: the replay answers as the recorded models did.
    const replayed = await run(ws, repo, `replay:${original.runId}`);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.match(replayed.stderr, /REPLAYED: 4 recorded answers .*1 recorded judge answers are replayed too/);
    const replay = replayed.report!;
    assert.notEqual(replay.runId, original.runId);
    assert.equal(replay.outcome, original.outcome);
    assert.deepEqual(replay.filesChanged, original.filesChanged);
    assert.equal(replay.turns, original.turns);
    assert.equal(replay.inputTokens, original.inputTokens);
    assert.equal(replay.outputTokens, original.outputTokens);
    assert.equal(replay.costUsd, original.costUsd);
    assert.deepEqual(replay.review?.verdicts, ["approve"]);
    const replayEvents = await trace(ws, replay.runId);
    assert.deepEqual(toolCalls(replayEvents), originalCalls);
    assert.equal(
      replayEvents.find((event) => event.type === "run-start")?.data.model,
      `replay:${original.runId}`,
    );
    assert.equal(git(repo, "rev-parse", `${replay.branch}^{tree}`), originalTree);
  });

  test("a veto and the agent's correction replay in their recorded order", async () => {
    const ws = await workspace();
    const repo = makeRepo(buggyProject);
    const verdict = (value: string, problems: unknown[]) =>
      JSON.stringify({ verdict: value, in_scope: true, problems, confidence: 0.9 });
    const problem = { file: "src/add.js", line: 2, kind: "wrong", explanation: "write a + b, in that order" };
    const turns = [
      {
        toolCalls: [{ name: "edit_file", input: { path: "src/add.js", oldText: "a - b", newText: "b + a" } }],
      },
      { toolCalls: [{ name: "finish", input: { summary: "fixed" } }] },
      { text: verdict("veto", [problem]) },
      {
        toolCalls: [{ name: "edit_file", input: { path: "src/add.js", oldText: "b + a", newText: "a + b" } }],
      },
      { toolCalls: [{ name: "finish", input: { summary: "a + b" } }] },
      { text: verdict("approve", []) },
    ];
    const scriptFile = path.join(ws.dir, "veto.json");
    writeFileSync(scriptFile, JSON.stringify({ turns }));

    const scripted = await run(ws, repo, `script:${scriptFile}`);
    assert.equal(scripted.code, 0, scripted.stderr);
    assert.deepEqual(scripted.report!.review?.verdicts, ["veto", "approve"]);
    const replayed = await run(ws, repo, `replay:${scripted.report!.runId}`);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.deepEqual(replayed.report!.review?.verdicts, ["veto", "approve"]);
    assert.deepEqual(
      toolCalls(await trace(ws, replayed.report!.runId)),
      toolCalls(await trace(ws, scripted.report!.runId)),
    );
    assert.equal(
      git(repo, "rev-parse", `${replayed.report!.branch}^{tree}`),
      git(repo, "rev-parse", `${scripted.report!.branch}^{tree}`),
    );
  });

  test("a replay of a run that had no judge says the judge is skipped, and still reproduces it", async () => {
    const ws = await workspace();
    const repo = makeRepo(buggyProject);
    const scripted = await run(ws, repo, `script:${path.join(ws.dir, "fix-add.yaml")}`, ["--no-judge"]);
    assert.equal(scripted.code, 0, scripted.stderr);
    assert.match(scripted.stderr, /the judge is off/);

    const replayed = await run(ws, repo, `replay:${scripted.report!.runId.slice(0, 12)}`);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.match(replayed.stderr, /recorded no judge answer, so the judge is SKIPPED/);
    assert.equal(replayed.report!.outcome, "success");
    assert.equal(replayed.report!.review?.verdicts.length ?? 0, 0);
  });

  test("a script that runs out of turns ends the run as model_failed, naming the exhausted script", async () => {
    const ws = await workspace();
    const short = path.join(ws.dir, "short.yaml");
    writeFileSync(short, "- toolCalls: [{ name: read_file, input: { path: src/add.js } }]\n");
    const result = await run(ws, makeRepo(buggyProject), `script:${short}`);
    assert.equal(result.code, 11, result.stderr);
    assert.equal(result.report!.outcome, "model_failed");
    assert.match(result.report!.detail ?? "", /script exhausted after 1 turns/);
  });

  describe("bad model references exit 2 with one line and record no run", () => {
    const cases: { name: string; reference: (dir: string) => string; pattern: RegExp }[] = [
      {
        name: "a missing script file",
        reference: (dir) => `script:${path.join(dir, "absent.yaml")}`,
        pattern: /cannot read model script .*absent\.yaml/,
      },
      {
        name: "a script that is not YAML",
        reference: (dir) => {
          writeFileSync(path.join(dir, "broken.yaml"), "- text: [unclosed\n");
          return `script:${path.join(dir, "broken.yaml")}`;
        },
        pattern: /model script .*broken\.yaml does not parse/,
      },
      {
        name: "a script with an unknown key",
        reference: (dir) => {
          writeFileSync(path.join(dir, "typo.yaml"), "- txt: hello\n");
          return `script:${path.join(dir, "typo.yaml")}`;
        },
        pattern: /invalid model script .*typo\.yaml: unknown key turns\.0\.txt/,
      },
      {
        name: "an unknown run id",
        reference: () => "replay:run_doesnotexist",
        pattern: /no run run_doesnotexist to replay/,
      },
    ];
    for (const { name, reference, pattern } of cases) {
      test(name, async () => {
        const ws = await workspace();
        const result = await run(ws, makeRepo(buggyProject), reference(ws.dir));
        assert.equal(result.code, 2, result.stderr);
        const lines = result.stderr.trim().split("\n");
        assert.equal(lines.length, 1, `expected one line, got:\n${result.stderr}`);
        assert.match(lines[0]!, pattern);
        assert.equal(result.stdout, "");
        const listed = await runCli([...ws.args, "runs", "--json"], { env: ws.env });
        assert.deepEqual(JSON.parse(listed.stdout), []);
        const worktrees = path.join(ws.dataDir, "worktrees");
        assert.deepEqual(existsSync(worktrees) ? readdirSync(worktrees) : [], []);
      });
    }
  });
});
