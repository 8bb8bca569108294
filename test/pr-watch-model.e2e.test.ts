// End to end: `slipway pr watch` needs a model for its follow-up runs. With none configured it takes
// the model of the run that made the pull request; `--model` chooses another. Local forge, real git,
// the real CLI, the scripted model.
import assert from "node:assert/strict";
import path from "node:path";
import { after, test } from "node:test";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo, tempDir } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

test("pr watch defaults to the model that made the pull request, and --model overrides it", async () => {
  const remoteRoot = tempDir("remote");
  const remote = path.join(remoteRoot, "review.git");
  git(remoteRoot, "init", "--quiet", "--bare", remote);
  const turns = [
    { toolCalls: [{ name: "create_file", input: { path: "CHANGES.md", content: "v1\n" } }] },
    { toolCalls: [{ name: "finish", input: { summary: "CHANGES.md says v1." } }] },
  ];
  const setup = await setUpScriptedRun({ turns }, "anthropic", { forge: { remote } });
  cleanups.push(() => setup.server.close());
  const made = await runCli(
    [...baseArgs(setup), "run", "--repo", makeRepo(), "--task", "CHANGES.md says v1", "--json"],
    { env: setup.env },
  );
  assert.equal(made.code, 0, made.stderr);
  // No model configured any more: only the recorded one can tell the watch what to use.
  const { SLIPWAY_MODEL: _configured, ...env } = setup.env;
  const watched = await runCli([...baseArgs(setup), "pr", "watch", "1", "--once"], { env });
  assert.equal(watched.code, 0, watched.stderr);
  assert.match(watched.stderr, /follow-ups use anthropic:test-model, the model of run run_/);
  const chosen = await runCli([...baseArgs(setup), "pr", "watch", "1", "--once", "--model", "openai:other"], {
    env,
  });
  assert.equal(chosen.code, 2);
  assert.match(chosen.stderr, /model openai:other needs an API key: set the OPENAI_API_KEY/);
});
