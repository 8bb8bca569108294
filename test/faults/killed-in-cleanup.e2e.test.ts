// A run killed while cleaning up after it opened its pull request keeps its outcome: the outcome is
// stored before cleanup starts, and recovery (once the run's lease expired) keeps it instead of
// calling the run interrupted.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runCli, slipwayBin } from "../helpers/cli.ts";
import { git, makeRepo, tempDir } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The run row's status and outcome, read straight from the store file (null before the run exists). */
function runRow(file: string): { status: string; outcome: string | null } | undefined {
  try {
    const db = new DatabaseSync(file, { readOnly: true, timeout: 1_000 });
    try {
      return db.prepare("SELECT status, outcome FROM runs").get() as {
        status: string;
        outcome: string | null;
      };
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

test("a run SIGKILLed in cleanup after publishing is recorded with its outcome, not interrupted", async () => {
  const repo = makeRepo();
  const remoteRoot = tempDir("remote");
  const remote = path.join(remoteRoot, "review.git");
  git(remoteRoot, "init", "--quiet", "--bare", remote);
  const setup = await setUpScriptedRun(
    {
      turns: [
        { toolCalls: [{ name: "create_file", input: { path: "CHANGES.md", content: "one\n" } }] },
        { toolCalls: [{ name: "finish", input: { summary: "CHANGES.md added." } }] },
      ],
    },
    "anthropic",
    { forge: { remote }, queue: { leaseSeconds: 1 } },
  );
  dirs.push(repo, remoteRoot, setup.dataDir);
  try {
    const child = spawn(
      process.execPath,
      [slipwayBin, ...baseArgs(setup), "run", "--repo", repo, "--task", "x"],
      {
        env: setup.env,
        stdio: "ignore",
      },
    );
    const closed = new Promise((resolve) => child.once("close", resolve));
    // The moment the outcome is stored while the run still runs, it is in cleanup: kill it there.
    const file = path.join(setup.dataDir, "slipway.db");
    let row = runRow(file);
    for (let waited = 0; !(row?.status === "running" && row.outcome !== null); waited += 10) {
      assert.ok(
        waited < 90_000 && row?.status !== "finished",
        `the outcome was not stored before cleanup: ${JSON.stringify(row)}`,
      );
      await sleep(10);
      row = runRow(file);
    }
    child.kill("SIGKILL");
    await closed;
    await sleep(1_500); // Its lease (1 s) ends.
    const worker = await runCli([...baseArgs(setup), "worker", "--once"], { env: setup.env });
    assert.equal(worker.code, 0, worker.stderr);

    const listed = await runCli([...baseArgs(setup), "runs", "--json"], { env: setup.env });
    const [run] = JSON.parse(listed.stdout) as { status: string; outcome: string; outcomeDetail: string }[];
    assert.equal(run?.status, "finished");
    assert.equal(run.outcome, "success", run.outcomeDetail);
    assert.equal(
      git(remote, "for-each-ref", "--format=%(refname)", "refs/heads/").trim().split("\n").length,
      1,
    );
  } finally {
    await setup.server.close();
  }
});
