// End to end: `slipway pr watch` shepherds a pull request on the GitHub double (OpenAPI-checked,
// real Octokit, real git over smart HTTP): failing CI starts exactly one follow-up run even when
// two watchers race; a failure the base branch shares is reported once, not "fixed"; a
// `/slipway` comment starts a follow-up whose result is answered in the thread.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  type ForgeTestRepositories,
  makeForgeTestRepositories,
} from "../src/forge/forge-test-repositories.ts";
import { type GithubDouble, startGithubDouble } from "../src/forge/github/test-double/github-double.ts";
import type { DoubleCheckRun } from "../src/forge/github/test-double/github-double-state.ts";
import type { ScriptTurn } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";

const token = "ghp_watchToken0123456789abcdef";
const task = "docs/usage.md explains how to call the API";

const writeTurns = (content: string): ScriptTurn[] => [
  { toolCalls: [{ name: "create_file", input: { path: "docs/usage.md", content } }] },
  { toolCalls: [{ name: "finish", input: { summary: `docs/usage.md now says: ${content.trim()}` } }] },
];

/** A real failing node test run's output, as an Actions job log with runner timestamps. */
const ciLog = [
  "2026-12-01T10:00:00.0000000Z ✖ docs are linked from the README (3.1ms)",
  "2026-12-01T10:00:00.0000000Z ℹ tests 1",
  "2026-12-01T10:00:00.0000000Z ℹ fail 1",
  "2026-12-01T10:00:00.0000000Z ✖ failing tests:",
  "2026-12-01T10:00:00.0000000Z test at test/docs.test.js:4:1",
  "2026-12-01T10:00:00.0000000Z ✖ docs are linked from the README (3.1ms)",
  "2026-12-01T10:00:00.0000000Z   AssertionError [ERR_ASSERTION]: README.md does not link docs/usage.md",
].join("\n");

let repos: ForgeTestRepositories;
let double: GithubDouble;
let setup: ScriptedRunSetup;
let nextCheckId = 500;

function checkRun(
  headSha: string,
  name: string,
  conclusion: "success" | "failure",
  log = "",
): DoubleCheckRun {
  return {
    id: nextCheckId++,
    headSha,
    name,
    status: "completed",
    conclusion,
    appSlug: "github-actions",
    outputTitle: null,
    outputSummary: null,
    log,
  };
}

before(async () => {
  repos = makeForgeTestRepositories("acme", "api");
  double = await startGithubDouble({
    owner: "acme",
    repo: "api",
    token,
    projectRoot: repos.projectRoot,
  });
  setup = await setUpScriptedRun(
    {
      turns: [
        ...writeTurns("Call GET /v1/items."),
        // The CI follow-up.
        ...writeTurns("Call GET /v1/items. Linked from the README."),
        // The review follow-up.
        ...writeTurns("Call GET /v1/items with a bearer token. Linked from the README."),
      ],
    },
    "anthropic",
    { forge: { type: "github", github: { apiUrl: double.apiUrl, owner: "acme", repo: "api" } } },
  );
});
after(async () => {
  await setup.server.close();
  await double.close();
  repos.remove();
});

const env = () => ({ ...setup.env, GITHUB_TOKEN: token });
const slipway = (...args: string[]) => runCli([...baseArgs(setup), ...args], { env: env() });

async function watchOnce(number: number) {
  const result = await slipway("pr", "watch", String(number), "--once", "--json");
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).actions as {
    kind: string;
    trigger?: string;
    outcome?: string;
    reason?: string;
  }[];
}

describe("slipway pr watch", () => {
  test("CI follow-up once under racing watchers, base failures reported once, /slipway answered", async () => {
    const opened = await slipway("run", "--repo", repos.hostedPath, "--task", task, "--json");
    assert.equal(opened.code, 0, opened.stdout + opened.stderr);
    const { branch, commit: firstHead } = JSON.parse(opened.stdout);
    const pull = double.state.pulls[0]!;
    const mainSha = git(repos.hostedPath, "rev-parse", "main");

    // CI fails on the head, passes on main: two watchers race; exactly one follow-up runs.
    double.state.checkRuns.push(
      checkRun(firstHead, "test", "failure", ciLog),
      checkRun(mainSha, "test", "success"),
    );
    const [first, second] = await Promise.all([watchOnce(pull.number), watchOnce(pull.number)]);
    const followUps = [...first!, ...second!].filter((action) => action.kind === "followed_up");
    assert.equal(followUps.length, 1, JSON.stringify([first, second]));
    assert.equal(followUps[0]!.trigger, `ci:${firstHead}`);
    assert.equal(followUps[0]!.outcome, "success");
    const followUpRequest = JSON.stringify(setup.server.requests[2]!.body);
    assert.match(followUpRequest, /docs are linked from the README/);
    assert.match(followUpRequest, /README\.md does not link docs\/usage\.md/);
    const secondHead = repos.hostedHead(branch)!;
    assert.notEqual(secondHead, firstHead);
    assert.equal(
      git(repos.hostedPath, "rev-parse", `${secondHead}^`),
      firstHead,
      "the follow-up builds on the PR head",
    );
    assert.equal(double.state.pulls.length, 1);
    assert.ok(double.state.comments.some((comment) => /Slipway follow-up run/.test(comment.body)));

    // The new head fails a check that fails on main too: reported once, no run.
    double.state.checkRuns.push(
      checkRun(secondHead, "lint", "failure"),
      checkRun(mainSha, "lint", "failure"),
    );
    assert.deepEqual(
      (await watchOnce(pull.number)).map((action) => action.reason),
      ["base_also_fails"],
    );
    await watchOnce(pull.number);
    assert.equal(
      double.state.comments.filter((comment) => /fail on the base branch/.test(comment.body)).length,
      1,
    );

    // A reviewer asks in the thread; the follow-up's result is answered there.
    double.state.comments.push({
      id: 7001,
      kind: "issue",
      number: pull.number,
      author: "alice",
      body: "Nice.\n/slipway mention that calls need a bearer token",
      createdAt: "2026-12-01T11:00:00Z",
    });
    const review = await watchOnce(pull.number);
    assert.deepEqual(
      review.map((action) => [action.kind, action.trigger, action.outcome]),
      [["followed_up", "comment:issue-comment:7001", "success"]],
    );
    assert.match(
      JSON.stringify(setup.server.requests.at(-2)!.body),
      /reviewer alice asks:\\nmention that calls need a bearer token/,
    );
    assert.ok(
      double.state.comments.some((comment) => /^@alice Slipway ran your request/m.test(comment.body)),
    );
    assert.match(git(repos.hostedPath, "show", `${branch}:docs/usage.md`), /bearer token/);
    // Asked once, done once: the next pass finds the new head without CI yet, and starts nothing.
    assert.deepEqual(
      (await watchOnce(pull.number)).map((action) => action.kind),
      ["no_checks"],
    );
    const runs = JSON.parse((await slipway("runs", "--json")).stdout) as unknown[];
    assert.equal(runs.length, 3, "the first run and exactly two follow-ups");
    assert.deepEqual(double.violations, []);
  });
});
