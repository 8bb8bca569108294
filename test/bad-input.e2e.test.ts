// Bad input: one clear line, a non-zero exit, and nothing left behind (no run, no worktree).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { makeRepo, tempDir } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function assertNothingLeft(
  args: string[],
  env: Record<string, string>,
  dataDir: string,
  options: { storeMade: boolean } = { storeMade: false },
): Promise<void> {
  // Checked first: listing the runs must not make the store either.
  assert.equal(existsSync(path.join(dataDir, "slipway.db")), options.storeMade, "slipway.db made");
  const listed = await runCli([...args, "runs", "--json"], { env });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(JSON.parse(listed.stdout), []);
  for (const place of ["worktrees", "volumes"]) {
    const directory = path.join(dataDir, place);
    assert.deepEqual(existsSync(directory) ? readdirSync(directory) : [], [], `${place} left behind`);
  }
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
}

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("bad input", { concurrency: true }, () => {
  test("a path that is not a git repository", async () => {
    const setup = await setUpScriptedRun({ turns: [] }, "anthropic");
    cleanups.push(() => setup.server.close());
    const notRepo = tempDir("plain");
    const result = await runCli([...baseArgs(setup), "run", "--repo", notRepo, "--task", "x"], {
      env: setup.env,
    });
    assert.equal(result.code, 2);
    assertOneLine(result.stderr, /not a git repository/);
    await assertNothingLeft(baseArgs(setup), setup.env, setup.dataDir);
    assert.equal(setup.server.requests.length, 0);
  });

  test("an unknown base ref", async () => {
    const setup = await setUpScriptedRun({ turns: [] }, "anthropic");
    cleanups.push(() => setup.server.close());
    const repo = makeRepo();
    const result = await runCli(
      [...baseArgs(setup), "run", "--repo", repo, "--task", "x", "--base", "no-such-branch"],
      { env: setup.env },
    );
    assert.equal(result.code, 2);
    assertOneLine(result.stderr, /no-such-branch/);
    // The base is looked up on the repository itself (git ls-remote) before the store or a mirror exists.
    assert.equal(existsSync(path.join(setup.dataDir, "mirrors")), false, "mirror made");
    await assertNothingLeft(baseArgs(setup), setup.env, setup.dataDir);
  });

  test("no model configured says how to configure Anthropic, OpenAI or a local server", async () => {
    const dataDir = tempDir("data");
    const env = cliEnv({});
    const repo = makeRepo();
    const result = await runCli(["--data-dir", dataDir, "run", "--repo", repo, "--task", "x"], {
      env,
      cwd: dataDir,
    });
    assert.equal(result.code, 2);
    assertOneLine(result.stderr, /ANTHROPIC_API_KEY.*OPENAI_API_KEY.*openai-compatible/);
    await assertNothingLeft(["--data-dir", dataDir], env, dataDir);
  });

  test("an invalid slipway.yaml names the file and the key", async () => {
    const project = tempDir("project");
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, "slipway.yaml"), "limits:\n  maxTurns: ten\n");
    const dataDir = tempDir("data");
    const env = cliEnv({ SLIPWAY_MODEL: "anthropic:x", ANTHROPIC_API_KEY: "k" });
    const result = await runCli(["--data-dir", dataDir, "run", "--repo", makeRepo(), "--task", "x"], {
      env,
      cwd: project,
    });
    assert.equal(result.code, 2);
    assertOneLine(result.stderr, /slipway\.yaml: limits\.maxTurns: .*number/);
    await assertNothingLeft(["--data-dir", dataDir], env, dataDir);
  });

  test("a missing API key, an unknown model and a replay of no run make no store", async () => {
    const dataDir = tempDir("data");
    const env = cliEnv({});
    const cases: [string, RegExp][] = [
      ["anthropic:x", /needs an API key: set the ANTHROPIC_API_KEY/],
      ["bogus:x", /unknown model "bogus:x"/],
      ["replay:run_nothing", /no run run_nothing to replay/],
    ];
    for (const [model, message] of cases) {
      const args = ["--data-dir", dataDir, "run", "--repo", makeRepo(), "--task", "x", "--model", model];
      const result = await runCli(args, { env, cwd: dataDir });
      assert.equal(result.code, 2, result.stderr);
      assertOneLine(result.stderr, message);
    }
    await assertNothingLeft(["--data-dir", dataDir], env, dataDir);
  });

  test("reading commands on a data directory that does not exist make nothing and say so", async () => {
    const dataDir = path.join(tempDir("parent"), "mistyped");
    const env = cliEnv({});
    const empty: [string[], string][] = [
      [["runs"], `no runs yet in ${dataDir}`],
      [["runs", "--json"], "[]"],
      [["stats"], `no runs yet in ${dataDir}`],
      [["pr", "list"], `no runs yet in ${dataDir}`],
      [["pr", "list", "--json"], "[]"],
    ];
    for (const [args, first] of empty) {
      const result = await runCli(["--data-dir", dataDir, ...args], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.startsWith(first), `${args.join(" ")}: ${result.stdout}`);
    }
    for (const args of [
      ["show", "run_abcdef"],
      ["pr", "show", "1"],
      ["pr", "approve", "1"],
    ]) {
      const result = await runCli(["--data-dir", dataDir, ...args], { env });
      assert.equal(result.code, 2, result.stderr);
      assertOneLine(result.stderr, new RegExp(`no runs yet in ${dataDir}`));
    }
    assert.equal(existsSync(dataDir), false, "the data directory was made");
  });

  test("an unknown key in slipway.yaml is named", async () => {
    const project = tempDir("project");
    writeFileSync(path.join(project, "slipway.yaml"), "limitz: {}\n");
    const result = await runCli(["runs"], { env: cliEnv({}), cwd: project });
    assert.equal(result.code, 2);
    assertOneLine(result.stderr, /unknown key limitz/);
  });

  test("an empty ANTHROPIC_BASE_URL, OPENAI_BASE_URL or SLIPWAY_* variable counts as not set", async () => {
    const dataDir = tempDir("data");
    const blank = { ANTHROPIC_BASE_URL: "", OPENAI_BASE_URL: " ", SLIPWAY_MAX_TURNS: "", SLIPWAY_MODEL: "" };
    const env = cliEnv(blank);
    const version = await runCli(["--version"], { env });
    assert.equal(version.code, 0, version.stderr);
    // `run` loads the provider SDKs, which read their base URL variables when they load.
    const args = [
      "--data-dir",
      dataDir,
      "run",
      "--repo",
      makeRepo(),
      "--task",
      "x",
      "--model",
      "anthropic:x",
    ];
    const result = await runCli(args, { env, cwd: dataDir });
    assert.equal(result.code, 2);
    assertOneLine(result.stderr, /needs an API key: set the ANTHROPIC_API_KEY/);
  });

  test("a bad flag value names the flag", async () => {
    const result = await runCli(["run", "--repo", ".", "--task", "x", "--max-turns", "zero"], {
      env: cliEnv({}),
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--max-turns.*positive whole number/);
  });
});
