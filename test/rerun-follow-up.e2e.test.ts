// End to end: running a task again never discards a follow-up commit a reviewer asked for. The
// local forge, real git, the real CLI, the scripted model: a run opens review request #1, a
// `/slipway` comment makes a follow-up commit on it, and the same task again is refused before it
// spends anything, saying how to change the pull request or start over.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, test } from "node:test";
import type { ScriptTurn } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const task = "CHANGES.md records the release notes";

/** One run's turns: write CHANGES.md with `content`, then finish. */
function runTurns(content: string): ScriptTurn[] {
  return [
    { toolCalls: [{ name: "create_file", input: { path: "CHANGES.md", content } }] },
    { toolCalls: [{ name: "finish", input: { summary: `CHANGES.md says ${content.trim()}.` } }] },
  ];
}

test("the same task again is refused while its open pull request's head is a follow-up's commit", async () => {
  // The review requests' branches are pushed to the source itself, as a hosted forge's are: the
  // follow-up's base (the pull request's head) is then a commit of the source.
  const repo = makeRepo();
  const remote = repo;
  // The first run, then the follow-up; a third run must never reach the model.
  const setup = await setUpScriptedRun(
    { turns: [...runTurns("one\n"), ...runTurns("one\ntwo\n")] },
    "anthropic",
    {
      forge: { remote },
    },
  );
  cleanups.push(async () => {
    await setup.server.close();
    for (const dir of [repo, setup.dataDir]) rmSync(dir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runCli([...baseArgs(setup), ...args], { env: setup.env });
  const runTask = async () => {
    const result = await cli("run", "--repo", repo, "--task", task, "--json");
    assert.ok(result.stdout.trim(), result.stderr);
    return { code: result.code, report: JSON.parse(result.stdout) as Record<string, unknown> };
  };

  const first = await runTask();
  assert.equal(first.code, 0, String(first.report.detail));
  const branch = String(first.report.branch);
  const commented = await cli("pr", "comment", "1", "/slipway also say two");
  assert.equal(commented.code, 0, commented.stderr);
  const watched = await cli("pr", "watch", "1", "--once");
  assert.equal(watched.code, 0, watched.stderr);
  const followUpHead = git(remote, "rev-parse", `refs/heads/${branch}`);
  assert.notEqual(followUpHead, first.report.commit, "the follow-up pushed a commit");
  assert.equal(git(remote, "show", `${branch}:CHANGES.md`), "one\ntwo");
  const modelCalls = setup.server.requests.length;

  const again = await runTask();
  assert.equal(again.code, 13);
  assert.equal(again.report.branch, branch);
  const detail = String(again.report.detail);
  assert.match(
    detail,
    new RegExp(`branch ${branch} has open pull request #1, whose head ${followUpHead.slice(0, 12)}`),
  );
  assert.match(detail, /comment "\/slipway <what to change>" on it and run `slipway pr watch 1`/);
  assert.match(detail, /to start over, pass --task-key <a new key>/);
  assert.equal(setup.server.requests.length, modelCalls, "the refused run made no model call");
  assert.equal(git(remote, "rev-parse", `refs/heads/${branch}`), followUpHead, "the follow-up commit stays");
});
