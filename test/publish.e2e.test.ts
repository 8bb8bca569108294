// End to end: the publish stage with the local forge. `slipway run` pushes the branch to a local
// bare repository and opens a review request; the same task again updates that branch and that
// request; someone else's commit on the branch or a closed request stops the run without harm;
// `slipway pr list|show|approve|close` work on the result. Real git, the real CLI, the scripted model.
import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, describe, test } from "node:test";
import type { ModelScript, ScriptTurn } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo, tempDir } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";

const task = "CHANGES.md records the release notes";

/** The agent's turns for one run: write CHANGES.md with `content`, then finish. */
function runTurns(content: string): ScriptTurn[] {
  return [
    { toolCalls: [{ name: "create_file", input: { path: "CHANGES.md", content } }] },
    { toolCalls: [{ name: "finish", input: { summary: `CHANGES.md says ${content.trim()}.` } }] },
  ];
}

function script(...contents: string[]): ModelScript {
  return { turns: contents.flatMap((content) => runTurns(content)) };
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

interface World {
  repo: string;
  remote: string;
  setup: ScriptedRunSetup;
  cli: (...args: string[]) => ReturnType<typeof runCli>;
  run: () => Promise<{
    code: number | null;
    report: Record<string, unknown> & { pullRequest?: Record<string, unknown> };
  }>;
}

async function world(turns: ModelScript): Promise<World> {
  const repo = makeRepo();
  const remoteRoot = tempDir("remote");
  const remote = path.join(remoteRoot, "review.git");
  git(remoteRoot, "init", "--quiet", "--bare", remote);
  const setup = await setUpScriptedRun(turns, "anthropic", { forge: { remote } });
  cleanups.push(async () => {
    await setup.server.close();
    for (const dir of [repo, remoteRoot, setup.dataDir]) rmSync(dir, { recursive: true, force: true });
  });
  const cli = (...args: string[]) => runCli([...baseArgs(setup), ...args], { env: setup.env });
  const run = async () => {
    const result = await cli("run", "--repo", repo, "--task", task, "--json");
    assert.ok(result.stdout.trim(), result.stderr);
    return { code: result.code, report: JSON.parse(result.stdout) };
  };
  return { repo, remote, setup, cli, run };
}

async function pullRequests(w: World): Promise<Record<string, unknown>[]> {
  const listed = await w.cli("pr", "list", "--json");
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout);
}

function mirrorOf(w: World): string {
  const mirrors = path.join(w.setup.dataDir, "mirrors");
  const [name] = readdirSync(mirrors).filter((entry) => entry.endsWith(".git"));
  return path.join(mirrors, name!);
}

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("publishing through the local forge", { concurrency: true }, () => {
  test("pushes to a bare repository and opens one review request; the same task again updates both", async () => {
    const w = await world(script("one\n", "two\n"));
    const first = await w.run();
    assert.equal(first.code, 0);
    assert.equal(first.report.outcome, "success");
    const branch = String(first.report.branch);
    assert.match(branch, /^slipway\/[0-9a-f]{12}$/);
    assert.equal(git(w.remote, "rev-parse", `refs/heads/${branch}`), first.report.commit);
    assert.equal(git(w.repo, "branch", "--list", branch), "", "the source is not the remote here");
    assert.deepEqual(first.report.pullRequest, {
      forge: "local",
      repository: w.remote,
      number: 1,
      url: `file://${w.remote}#${branch}`,
      state: "open",
      action: "opened",
    });
    assert.equal((await w.cli("pr", "approve", "1")).code, 0);

    const second = await w.run();
    assert.equal(second.code, 0);
    assert.equal(second.report.branch, branch);
    assert.equal(second.report.pullRequest?.number, 1);
    assert.equal(second.report.pullRequest?.action, "updated");
    // The new commit replaced the old one (it starts at main again): force-with-lease, not a stack.
    assert.equal(git(w.remote, "rev-parse", `refs/heads/${branch}`), second.report.commit);
    assert.equal(git(w.remote, "show", `${branch}:CHANGES.md`), "two");
    assert.equal(git(w.remote, "rev-list", "--count", branch), "2");

    const records = await pullRequests(w);
    assert.equal(records.length, 1, "never a second review request");
    assert.equal(records[0]!.headSha, second.report.commit);
    assert.equal(records[0]!.runId, second.report.runId);
    assert.equal(records[0]!.reviewState, "open", "the new head withdrew the approval");
    assert.match(String(records[0]!.body), /CHANGES\.md says two\./);
  });

  test("someone else's commit on the branch stops the run: reported, nothing overwritten, work kept", async () => {
    const w = await world(script("one\n", "two\n"));
    const first = await w.run();
    const branch = String(first.report.branch);
    const person = tempDir("person");
    cleanups.push(() => rmSync(person, { recursive: true, force: true }));
    git(person, "clone", "--quiet", "--branch", branch, w.remote, ".");
    git(person, "commit", "--quiet", "--allow-empty", "-m", "a reviewer's fix");
    git(person, "push", "--quiet", "origin", branch);
    const theirs = git(person, "rev-parse", "HEAD");

    const second = await w.run();
    assert.equal(second.code, 15);
    assert.equal(second.report.outcome, "publish_failed");
    assert.match(String(second.report.detail), /someone else committed to it; nothing was overwritten/);
    assert.equal(git(w.remote, "rev-parse", `refs/heads/${branch}`), theirs);
    assert.equal(git(mirrorOf(w), "rev-parse", `refs/heads/${branch}`), second.report.commit);
    const records = await pullRequests(w);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.headSha, first.report.commit);
  });

  test("a push whose record was lost (a crash right after it) is still known as Slipway's own", async () => {
    const w = await world(script("one\n", "two\n"));
    const first = await w.run();
    assert.equal(first.code, 0);
    const branch = String(first.report.branch);
    // What a crash between the push and its record leaves: the commit on the remote, no record.
    const db = new DatabaseSync(path.join(w.setup.dataDir, "slipway.db"));
    try {
      assert.equal(db.prepare("DELETE FROM branch_pushes WHERE branch = ?").run(branch).changes, 1);
    } finally {
      db.close();
    }

    const second = await w.run();
    assert.equal(second.code, 0, String(second.report.detail));
    assert.equal(second.report.pullRequest?.action, "updated");
    assert.equal(git(w.remote, "rev-parse", `refs/heads/${branch}`), second.report.commit);
  });

  test("a review request a person closed is not reopened, and the branch is not pushed again", async () => {
    const w = await world(script("one\n", "two\n"));
    const first = await w.run();
    const closed = await w.cli("pr", "close", "1");
    assert.equal(closed.code, 0, closed.stderr);
    assert.match(closed.stdout, /closed review request #1; branch slipway\/\w+ stays in/);

    const second = await w.run();
    assert.equal(second.code, 15);
    assert.match(String(second.report.detail), /#1 .* was closed by a person; Slipway does not reopen it/);
    assert.equal(second.report.pullRequest?.action, "not_reopened");
    assert.equal(git(w.remote, "rev-parse", `refs/heads/${first.report.branch}`), first.report.commit);
    const records = await pullRequests(w);
    assert.deepEqual(
      records.map((record) => [record.number, record.state]),
      [[1, "closed"]],
    );
    const human = await w.cli("show", String(second.report.runId));
    assert.match(human.stdout, /pr +#1 closed, not reopened \(local\)/);
  });
});

describe("slipway pr", () => {
  test("list, show, approve and close a review request, with --json and clear refusals", async () => {
    const w = await world(script("one\n"));
    const { report } = await w.run();

    const table = await w.cli("pr", "list");
    assert.match(table.stdout, new RegExp(`^1 +local +open +${report.branch}`, "m"));
    const shown = await w.cli("pr", "show", "1");
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      shown.stdout,
      new RegExp(`branch +${report.branch} → main @ ${String(report.commit).slice(0, 12)}`),
    );
    assert.match(shown.stdout, /## Task\n\n```text\nCHANGES\.md records the release notes/);
    assert.match(shown.stdout, new RegExp(`slipway show ${report.runId}`));
    const json = JSON.parse((await w.cli("pr", "show", "#1", "--json")).stdout);
    assert.equal(json.pullRequest.taskKey, String(report.branch).slice("slipway/".length));
    assert.deepEqual(json.comments, []);

    const approved = JSON.parse((await w.cli("pr", "approve", "1", "--json")).stdout);
    assert.equal(approved.reviewState, "approved");
    assert.match((await w.cli("pr", "list")).stdout, /^1 +local +approved/m);
    assert.equal(JSON.parse((await w.cli("pr", "close", "1", "--json")).stdout).state, "closed");

    const refused = await w.cli("pr", "approve", "1");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /review request #1 is closed: only an open one can be approved/);
    const missing = await w.cli("pr", "show", "7");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no pull request #7: see `slipway pr list`/);
  });
});
