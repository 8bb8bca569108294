// End to end: a follow-up on the local forge whose remote is a separate repository. The pull
// request's head (the follow-up's base) lives on that remote, not in the task's source: intake
// checks it there, and the follow-up builds on it. Real git, the real CLI, the scripted model.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, test } from "node:test";
import type { ScriptTurn } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo, tempDir } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function runTurns(content: string): ScriptTurn[] {
  return [
    { toolCalls: [{ name: "create_file", input: { path: "CHANGES.md", content } }] },
    { toolCalls: [{ name: "finish", input: { summary: `CHANGES.md says ${content.trim()}.` } }] },
  ];
}

test("a /slipway follow-up starts from the pull request's head on a separate forge remote", async () => {
  const repo = makeRepo();
  const remote = tempDir("remote");
  git(remote, "init", "--bare", "--quiet");
  const setup = await setUpScriptedRun(
    { turns: [...runTurns("one\n"), ...runTurns("one\ntwo\n")] },
    "anthropic",
    { forge: { remote } },
  );
  cleanups.push(async () => {
    await setup.server.close();
    for (const dir of [repo, remote, setup.dataDir]) rmSync(dir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runCli([...baseArgs(setup), ...args], { env: setup.env });

  const first = await cli("run", "--repo", repo, "--task", "CHANGES.md records the release notes", "--json");
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const { branch, commit: firstHead } = JSON.parse(first.stdout) as { branch: string; commit: string };
  assert.equal(git(remote, "rev-parse", `refs/heads/${branch}`), firstHead);
  assert.equal(git(repo, "branch", "--list", branch), "", "the head's branch is only on the remote");

  const commented = await cli("pr", "comment", "1", "/slipway also say two");
  assert.equal(commented.code, 0, commented.stderr);
  const watched = await cli("pr", "watch", "1", "--once", "--json");
  assert.equal(watched.code, 0, watched.stdout + watched.stderr);
  const actions = JSON.parse(watched.stdout).actions as { kind: string; outcome?: string }[];
  const followUp = actions.find((action) => action.kind === "followed_up");
  assert.equal(followUp?.outcome, "success", watched.stdout);
  const secondHead = git(remote, "rev-parse", `refs/heads/${branch}`);
  assert.equal(git(remote, "rev-parse", `${secondHead}^`), firstHead, "the follow-up builds on the PR head");
  assert.equal(git(remote, "show", `${secondHead}:CHANGES.md`), "one\ntwo");
});
