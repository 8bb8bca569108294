// End to end: `slipway run` with forge.type github against a GitHub double whose every request and
// response is checked against GitHub's OpenAPI description, with the real Octokit client and a
// real git push over smart HTTP. The token lives in Slipway's environment only.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  type ForgeTestRepositories,
  makeForgeTestRepositories,
} from "../src/forge/forge-test-repositories.ts";
import { type GithubDouble, startGithubDouble } from "../src/forge/github/test-double/github-double.ts";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";

const token = "ghp_e2eCanaryToken0123456789abcdef";
const task = "docs/usage.md explains how to call the API";

const script = (content: string): ModelScript => ({
  turns: [
    { toolCalls: [{ name: "create_file", input: { path: "docs/usage.md", content } }] },
    { toolCalls: [{ name: "finish", input: { summary: "Wrote docs/usage.md." } }] },
  ],
});

let repos: ForgeTestRepositories;
let double: GithubDouble;
const setups: ScriptedRunSetup[] = [];

before(async () => {
  repos = makeForgeTestRepositories("acme", "api");
  double = await startGithubDouble({
    owner: "acme",
    repo: "api",
    token,
    projectRoot: repos.projectRoot,
  });
});
after(async () => {
  for (const setup of setups) await setup.server.close();
  await double.close();
  repos.remove();
});

async function githubSetup(modelScript: ModelScript): Promise<ScriptedRunSetup> {
  const setup = await setUpScriptedRun(modelScript, "anthropic", {
    forge: {
      type: "github",
      github: { apiUrl: double.apiUrl, owner: "acme", repo: "api" },
      labels: ["slipway"],
    },
  });
  setups.push(setup);
  return setup;
}

async function runWithGithub(setup: ScriptedRunSetup, env: Record<string, string>, flags: string[] = []) {
  const args = [...baseArgs(setup), "run", "--repo", repos.hostedPath, "--task", task, "--json", ...flags];
  const result = await runCli(args, { env: { ...setup.env, ...env } });
  return { result, report: result.stdout ? JSON.parse(result.stdout) : undefined };
}

/** Every file under `dir`, read as text, for "the token is nowhere on disk". */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

describe("slipway run with the github forge", () => {
  test("pushes the branch, opens one draft PR, and a re-run of the task updates it", async () => {
    // One installation (one data dir) runs the task twice: the second run's turns follow the first's.
    const setup = await githubSetup({
      turns: [
        ...script("# Usage\n\nCall `GET /v1/items`.\n").turns,
        ...script("# Usage\n\nCall `GET /v2/items`.\n").turns,
      ],
    });
    const first = await runWithGithub(setup, { GITHUB_TOKEN: token }, ["--issue", "42"]);
    assert.equal(first.result.code, 0, first.result.stdout + first.result.stderr);
    assert.equal(double.state.pulls.length, 1);
    const pull = double.state.pulls[0]!;
    assert.equal(pull.head, first.report.branch);
    assert.equal(pull.draft, true);
    assert.match(pull.body ?? "", new RegExp(first.report.runId));
    assert.equal(repos.hostedHead(first.report.branch), first.report.commit);
    // The issue the task came from gets the pull request's link.
    const onIssue = double.state.comments.filter((comment) => comment.number === 42);
    assert.equal(onIssue.length, 1);
    assert.match(onIssue[0]!.body, new RegExp(`opened #${pull.number} for this issue`));

    const second = await runWithGithub(setup, { GITHUB_TOKEN: token });
    assert.equal(second.result.code, 0, second.result.stdout + second.result.stderr);
    assert.equal(second.report.branch, first.report.branch);
    assert.equal(double.state.pulls.length, 1, "a re-run must not open a second pull request");
    assert.match(double.state.pulls[0]!.body ?? "", new RegExp(second.report.runId));
    assert.equal(repos.hostedHead(second.report.branch), second.report.commit);
    assert.match(git(repos.hostedPath, "show", `${second.report.branch}:docs/usage.md`), /v2/);
    assert.deepEqual(double.violations, []);

    // The token is in no file Slipway wrote: not the store, not the mirror, not the config.
    for (const file of filesUnder(setup.dataDir)) {
      assert.equal(readFileSync(file).includes(token), false, `${file} holds the token`);
    }
  });

  test("without the token the run is refused before anything is written", async () => {
    const setup = await githubSetup(script("x\n"));
    const { result } = await runWithGithub(setup, {});
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), /^slipway: forge\.type is github but GITHUB_TOKEN is not set/);
    const runs = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    assert.deepEqual(JSON.parse(runs.stdout), []);
  });
});
