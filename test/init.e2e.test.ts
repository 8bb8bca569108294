// `slipway init` end to end: the questions answered through a pipe (--interactive), each answer
// checked as it is given, slipway.yaml written with the answers and loadable; end of input takes
// the defaults; an existing file is kept without --force; without a terminal it writes the template.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { renderConfigTemplate } from "../src/config/config-template.ts";
import { loadConfig } from "../src/config/load-config.ts";
import { startScriptedModelServer } from "../src/models/scripted-server/scripted-model-server.ts";
import { type CliResult, cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

const tokenValue = "ghp_init-test-token-never-written";

/** `slipway init ARGS` in `cwd` with `input` on stdin. */
function runInit(
  args: string[],
  cwd: string,
  input: string,
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(["init", ...args], {
    cwd,
    env: cliEnv({ GITHUB_TOKEN: "", GITLAB_TOKEN: "", ...extraEnv }),
    stdin: input,
    timeoutMs: 60_000,
  });
}

function loaded(directory: string) {
  return loadConfig({ projectDir: directory, env: { XDG_CONFIG_HOME: "/nonexistent" }, flags: {} }).config;
}

describe("slipway init", () => {
  const directories: string[] = [];
  after(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });
  const directory = () => {
    const made = tempDir("init");
    directories.push(made);
    return made;
  };

  test("asks, checks each answer, and writes the answers into a loadable slipway.yaml", async () => {
    const cwd = directory();
    // openai-compatible by number, a model, a bad URL then a good one, github, bwrap.
    const answers = ["3", "qwen3-coder:30b", "not a url", "http://127.0.0.1:1/v1", "github", "bwrap", ""];
    const result = await runInit(["--interactive"], cwd, `${answers.join("\n")}\n`, {
      GITHUB_TOKEN: tokenValue,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /"not a url" is not a URL/);
    assert.match(result.stdout, /! http:\/\/127\.0\.0\.1:1\/v1 cannot be reached \(.+\): start the server/);
    assert.match(result.stdout, /OPENAI_COMPATIBLE_API_KEY is not set: fine for a local server/);
    assert.match(result.stdout, /✓ GITHUB_TOKEN is set/);
    assert.match(result.stdout, /bwrap: (works here|does not work here: .+)/);
    assert.match(result.stdout, /next: slipway doctor/);
    const text = readFileSync(path.join(cwd, "slipway.yaml"), "utf8");
    assert.ok(
      !text.includes(tokenValue) && !result.stdout.includes(tokenValue),
      "the token is never written",
    );
    const config = loaded(cwd);
    assert.equal(config.model, "openai-compatible:qwen3-coder:30b");
    assert.equal(config.providers["openai-compatible"].baseUrl, "http://127.0.0.1:1/v1");
    assert.equal(config.forge.type, "github");
    assert.equal(config.sandbox.backend, "bwrap");
    assert.match(text, /# where runs, mirrors and worktrees live/, "the template's comments stay");
  });

  test("a local server's base URL is tried at once: the scripted model server answers", async () => {
    const server = await startScriptedModelServer({ script: { turns: [] } });
    try {
      const result = await runInit(["--interactive"], directory(), `3\n\n${server.openaiBaseUrl}\n`);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.includes(`✓ ${server.openaiBaseUrl} answers (HTTP 404)`), result.stdout);
    } finally {
      await server.close();
    }
  });

  test("says a missing key and token variable, and end of input takes every default", async () => {
    const cwd = directory();
    const result = await runInit(["--interactive"], cwd, "anthropic\n\ngithub\n");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /! ANTHROPIC_API_KEY is not set: export it/);
    assert.match(result.stdout, /! GITHUB_TOKEN is not set/);
    const config = loaded(cwd);
    assert.equal(config.model, "anthropic:claude-sonnet-4-5");
    assert.equal(config.forge.type, "github");
    assert.equal(config.sandbox.backend, "auto");
  });

  test("a wrong choice three times stops with one line and writes nothing", async () => {
    const cwd = directory();
    const result = await runInit(["--interactive"], cwd, "x\ny\nz\n");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /model provider: no acceptable answer after 3 tries/);
    assert.throws(() => readFileSync(path.join(cwd, "slipway.yaml")));
  });

  test("keeps an existing file without --force and replaces it with --force", async () => {
    const cwd = directory();
    writeFileSync(path.join(cwd, "slipway.yaml"), "model: openai:mine\n");
    const refused = await runInit(["--interactive"], cwd, "openai\n");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /exists already: edit it, or pass --force/);
    assert.equal(readFileSync(path.join(cwd, "slipway.yaml"), "utf8"), "model: openai:mine\n");
    const forced = await runInit(["--interactive", "--force"], cwd, "openai\n");
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(loaded(cwd).model, "openai:gpt-5");
  });

  test("without a terminal (or with --yes) asks nothing and writes the commented template", async () => {
    for (const args of [[], ["--interactive", "--yes"]]) {
      const cwd = directory();
      const result = await runInit(args, cwd, "openai\n");
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stdout, /model provider/);
      assert.equal(readFileSync(path.join(cwd, "slipway.yaml"), "utf8"), renderConfigTemplate());
      assert.match(result.stdout, /next: slipway doctor/);
    }
  });
});
