// End to end: the review stage after the gate — scope guards, then the independent judge — with
// the real Anthropic client talking to the scripted model server, on real repositories.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { ModelScript, ScriptTurn } from "../src/models/scripted-server/script.ts";
import type { ScriptedModelServer } from "../src/models/scripted-server/scripted-model-server.ts";
import { runCli } from "./helpers/cli.ts";
import { addProject, git, makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const task = 'add() also accepts numeric strings: add("2", "3") returns 5';
const fixed = "return Number(a) + Number(b);";
const stringsTest = (marker: "test" | "test.skip") =>
  [
    'import assert from "node:assert/strict";',
    'import { test } from "node:test";',
    'import { add } from "../src/add.js";',
    "",
    `${marker}("adds numeric strings", () => {`,
    '  assert.equal(add("2", "3"), 5);',
    "});",
    "",
  ].join("\n");

const fixTurn: ScriptTurn = {
  text: "AGENT-REASONING: converting both arguments is enough.",
  toolCalls: [{ name: "edit_file", input: { path: "src/add.js", oldText: "return a + b;", newText: fixed } }],
};
const finishTurn: ScriptTurn = {
  toolCalls: [{ name: "finish", input: { summary: "AGENT-SUMMARY: add() converts its arguments." } }],
};
const addTestTurn = (marker: "test" | "test.skip"): ScriptTurn => ({
  toolCalls: [{ name: "create_file", input: { path: "test/strings.test.js", content: stringsTest(marker) } }],
});

function verdictTurn(verdict: "approve" | "veto", problems: object[] = []): ScriptTurn {
  return {
    text: JSON.stringify({ verdict, in_scope: true, problems, confidence: 0.8 }),
    usage: { inputTokens: 700, outputTokens: 25 },
  };
}
const missingTest = {
  file: "src/add.js",
  line: 2,
  kind: "incomplete",
  explanation: "MISSING-TEST: nothing checks that numeric strings are added",
};

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function runReviewed(
  script: ModelScript,
  options: { config?: Record<string, unknown>; flags?: string[]; files?: Record<string, string> } = {},
) {
  const repo = makeRepo(options.files ?? addProject);
  const setup = await setUpScriptedRun(script, "anthropic", { judge: { enabled: true }, ...options.config });
  cleanups.push(() => setup.server.close());
  const result = await runCli(
    [...baseArgs(setup), "run", "--repo", repo, "--task", task, "--json", ...(options.flags ?? [])],
    { env: setup.env },
  );
  const report = JSON.parse(result.stdout);
  return { result, report, repo, server: setup.server };
}

/** The requests the judge made (its system prompt says who it is), as JSON text. */
function judgeRequests(server: ScriptedModelServer): string[] {
  return server.requests
    .map((request) => JSON.stringify(request.body))
    .filter((body) => body.includes("independent code reviewer"));
}

function branchExists(repo: string, branch: string): boolean {
  return git(repo, "branch", "--list", branch) !== "";
}

/** Veto, the agent adds the missing test, approve. */
const vetoFixedTurns: ScriptTurn[] = [
  fixTurn,
  finishTurn,
  verdictTurn("veto", [missingTest]),
  addTestTurn("test"),
  finishTurn,
  verdictTurn("approve"),
];

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("the judge", { concurrency: true }, () => {
  test("a veto goes back to the agent with the problems; the fixed change is approved and committed", async () => {
    const { result, report, repo, server } = await runReviewed({ turns: vetoFixedTurns });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(report.outcome, "success");
    assert.deepEqual(report.review.verdicts, ["veto", "approve"]);
    assert.equal(report.review.judgeInputTokens, 1400);
    // The agent's next request carries the judge's problem; the judge never saw the agent's words.
    assert.match(JSON.stringify(server.requests[3]!.body), /MISSING-TEST/);
    const judged = judgeRequests(server);
    assert.equal(judged.length, 2);
    for (const body of judged) assert.doesNotMatch(body, /AGENT-REASONING|AGENT-SUMMARY/);
    assert.match(judged[1]!, /test\/strings\.test\.js/);
    assert.equal(git(repo, "show", `${report.branch}:test/strings.test.js`), stringsTest("test").trim());
  });

  test("a second veto ends the run as vetoed, with nothing committed", async () => {
    const { result, report, repo } = await runReviewed({
      turns: [
        fixTurn,
        finishTurn,
        verdictTurn("veto", [missingTest]),
        finishTurn,
        verdictTurn("veto", [missingTest]),
      ],
    });
    assert.equal(result.code, 6);
    assert.equal(report.outcome, "vetoed");
    assert.match(report.detail, /MISSING-TEST/);
    assert.equal(report.commit, undefined);
    assert.equal(branchExists(repo, report.branch), false);
  });

  test("a malformed verdict is asked again once, then the run fails closed as judge_failed", async () => {
    const { result, report, repo, server } = await runReviewed({
      turns: [
        fixTurn,
        finishTurn,
        { text: "Looks good to me!" },
        { text: JSON.stringify({ verdict: "maybe", in_scope: true, problems: [], confidence: 2 }) },
      ],
    });
    assert.equal(result.code, 14, result.stderr);
    assert.equal(report.outcome, "judge_failed");
    assert.match(report.detail, /no valid verdict/);
    const judged = judgeRequests(server);
    assert.equal(judged.length, 2);
    assert.match(judged[1]!, /not valid \(the answer holds no JSON object\)/);
    assert.equal(branchExists(repo, report.branch), false);
  });

  test("with judge.required false, a run without a verdict is committed and marked unjudged", async () => {
    const { result, report } = await runReviewed(
      { turns: [fixTurn, finishTurn, { text: "no" }, { text: "still no" }] },
      { config: { judge: { enabled: true, required: false } } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(report.review.unjudged, true);
    assert.ok(report.commit);
  });

  test("a 3,000-line diff is judged in chunks that together cover every file", async () => {
    const files = Array.from({ length: 6 }, (_, index) => `src/generated/table${index}.js`);
    const createTurns: ScriptTurn[] = files.map((file, index) => ({
      toolCalls: [
        {
          name: "create_file",
          input: {
            path: file,
            content: Array.from(
              { length: 500 },
              (_, line) => `export const t${index}_${line} = ${line};`,
            ).join("\n"),
          },
        },
      ],
    }));
    const approvals = Array.from({ length: 12 }, () => verdictTurn("approve"));
    const { result, report, server } = await runReviewed(
      { turns: [fixTurn, ...createTurns, finishTurn, ...approvals] },
      { config: { judge: { enabled: true, chunkChars: 20_000 }, guards: { maxLinesChanged: 5000 } } },
    );
    assert.equal(result.code, 0, result.stderr);
    const judged = judgeRequests(server);
    assert.ok(judged.length >= 3, `only ${judged.length} judge calls`);
    for (const file of [...files, "src/add.js"]) {
      assert.ok(
        // The judge's diff names each file once, as a JSON string (request bodies are JSON again).
        judged.some((body) => body.includes(JSON.stringify(`file ${JSON.stringify(file)}`).slice(1, -1))),
        `no judge call saw ${file}`,
      );
    }
    // Each call read at most one chunk's worth of diff.
    for (const body of judged)
      assert.ok(body.length < 20_000 * 1.5 + 4_000, `a judge call of ${body.length} chars`);
    assert.equal(report.review.verdicts.length, 1);
  });
});

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("the scope guards", { concurrency: true }, () => {
  test("a guard failure goes back to the agent once; the fixed change goes on to the judge", async () => {
    const { result, report, server } = await runReviewed({
      turns: [
        fixTurn,
        addTestTurn("test.skip"),
        finishTurn,
        addTestTurn("test"),
        finishTurn,
        verdictTurn("approve"),
      ],
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(report.review.guardFailures, 1);
    const feedback = JSON.stringify(server.requests[3]!.body);
    assert.match(feedback, /test\/strings\.test\.js:5: \[tests-disabled\]/);
    assert.equal(judgeRequests(server).length, 1);
  });

  test("a second guard failure ends the run as guard_failed before the judge is asked", async () => {
    const { result, report, repo, server } = await runReviewed({
      turns: [
        fixTurn,
        {
          toolCalls: [
            {
              name: "edit_file",
              input: { path: "package.json", oldText: '"private": true', newText: '"private": false' },
            },
          ],
        },
        finishTurn,
        finishTurn,
      ],
    });
    assert.equal(result.code, 5, result.stderr);
    assert.equal(report.outcome, "guard_failed");
    assert.match(report.detail, /package\.json/);
    assert.equal(judgeRequests(server).length, 0);
    assert.equal(branchExists(repo, report.branch), false);
  });

  test("--allow-protected lets one task change a protected file", async () => {
    const { result, report } = await runReviewed(
      {
        turns: [
          {
            toolCalls: [
              {
                name: "edit_file",
                input: { path: "package.json", oldText: '"private": true', newText: '"private": false' },
              },
            ],
          },
          finishTurn,
          verdictTurn("approve"),
        ],
      },
      { flags: ["--allow-protected", "package.json"] },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(report.filesChanged, ["package.json"]);
  });

  test("a repository's .slipway.yml guards apply, read at the base commit", async () => {
    const files = { ...addProject, ".slipway.yml": "guards:\n  forbiddenPaths: ['src/**']\n" };
    const { result, report } = await runReviewed({ turns: [fixTurn, finishTurn, finishTurn] }, { files });
    assert.equal(result.code, 5, result.stderr);
    assert.match(report.detail, /src\/add\.js/);
  });
});

describe("slipway stats", () => {
  test("counts the veto rate and the course-correction rate across runs", async () => {
    const script: ModelScript = {
      turns: [
        // Run 1: approved at once.
        fixTurn,
        finishTurn,
        verdictTurn("approve"),
        // Run 2: vetoed, fixed, approved.
        ...vetoFixedTurns,
        // Run 3: vetoed twice.
        fixTurn,
        finishTurn,
        verdictTurn("veto", [missingTest]),
        finishTurn,
        verdictTurn("veto", [missingTest]),
      ],
    };
    const setup = await setUpScriptedRun(script, "anthropic", { judge: { enabled: true } });
    cleanups.push(() => setup.server.close());
    const codes: number[] = [];
    for (let run = 0; run < 3; run++) {
      const result = await runCli(
        [...baseArgs(setup), "run", "--repo", makeRepo(), "--task", task, "--json"],
        {
          env: setup.env,
        },
      );
      codes.push(result.code ?? -1);
    }
    assert.deepEqual(codes, [0, 0, 6]);
    const shown = await runCli([...baseArgs(setup), "stats", "--json"], { env: setup.env });
    assert.equal(shown.code, 0, shown.stderr);
    const stats = JSON.parse(shown.stdout);
    assert.equal(stats.runs, 3);
    assert.deepEqual(stats.outcomes, { success: 2, vetoed: 1 });
    assert.equal(stats.judged, 3);
    assert.equal(stats.vetoRate, 2 / 3);
    assert.equal(stats.courseCorrectionRate, 1 / 2);
    // Five verdicts at 700 in / 25 out on claude-haiku-4-5's built-in price ($1 / $5 per million).
    assert.ok(Math.abs(stats.judgeCostUsd - (5 * 700 * 1 + 5 * 25 * 5) / 1e6) < 1e-12);
    const text = await runCli([...baseArgs(setup), "stats"], { env: setup.env });
    assert.match(text.stdout, /veto rate\s+66\.7%/);
    assert.match(text.stdout, /course correction\s+50\.0%/);
  });
});
