// End to end: runs as durable jobs. `run --detach` queues a run, `worker` executes it with a lease,
// `logs -f` follows it from another process, `cancel` stops it, and a worker killed with SIGKILL in
// the agent stage loses its lease and another worker restarts the run (one pull request, two attempts).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunEvent } from "../../src/core/run.ts";
import type { ModelScript } from "../../src/models/scripted-server/script.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { runCli, slipwayBin } from "../helpers/cli.ts";
import { git, makeRepo } from "../helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "../helpers/scripted-run.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Short leases and polls, so a lost lease is noticed in about a second. */
const queueSettings = { queue: { leaseSeconds: 1.5, pollSeconds: 0.1 } };

const edit = {
  name: "edit_file",
  input: { path: "README.md", oldText: "# fixture", newText: "# fixture, edited" },
};
const finish = { name: "finish", input: { summary: "README edited." } };

interface World {
  setup: ScriptedRunSetup;
  repo: string;
  cli: (...args: string[]) => ReturnType<typeof runCli>;
  /** Start `slipway <args>` in the background (a worker, `logs -f`). */
  start: (...args: string[]) => Background;
  detach: () => Promise<string>;
}

interface Background {
  child: ChildProcess;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

async function world(turns: ModelScript["turns"]): Promise<World> {
  // Docs only, no checks: the gate passes a README change at once.
  const repo = makeRepo({ "README.md": "# fixture\n", ".slipway.yml": "verify:\n  none: true\n" });
  const setup = await setUpScriptedRun({ turns }, "anthropic", queueSettings);
  cleanups.push(async () => {
    await setup.server.close();
    for (const dir of [repo, setup.dataDir]) rmSync(dir, { recursive: true, force: true });
  });
  const args = baseArgs(setup);
  const cli = (...rest: string[]) => runCli([...args, ...rest], { env: setup.env, timeoutMs: 60_000 });
  const start = (...rest: string[]): Background => {
    const child = spawn(process.execPath, [slipwayBin, ...args, ...rest], { env: setup.env });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
    }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
    // Never outlives the test file, whatever a test left running.
    cleanups.push(() => void child.kill("SIGKILL"));
    return { child, ended };
  };
  const detach = async (): Promise<string> => {
    const result = await cli("run", "--detach", "--repo", repo, "--task", "Edit the README's title");
    assert.equal(result.code, 0, result.stderr);
    const runId = result.stdout.trim();
    assert.match(runId, /^run_[0-9a-z]+$/);
    return runId;
  };
  return { setup, repo, cli, start, detach };
}

async function events(w: World, runId: string): Promise<RunEvent[]> {
  const store = await openSqliteStore(path.join(w.setup.dataDir, "slipway.db"));
  try {
    return await store.listEvents(runId);
  } finally {
    await store.close();
  }
}

/** Poll the store (bounded) until `ready` holds for the run's events. */
async function waitForEvents(
  w: World,
  runId: string,
  ready: (all: RunEvent[]) => boolean,
  what: string,
): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (ready(await events(w, runId))) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function shown(
  w: World,
  runId: string,
): Promise<{ run: { status: string; outcome?: string; attempt: number } }> {
  const result = await w.cli("show", runId, "--json");
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

// Each test has a world of its own (repository, data directory, model server): they run at once,
// as most of their time is spent waiting on leases, polls and the scripted model's delays.
describe("durable runs", { concurrency: true }, () => {
  test("run --detach queues; logs -f follows from another process while worker --once executes it", async () => {
    const w = await world([{ toolCalls: [edit] }, { toolCalls: [finish] }]);
    const runId = await w.detach();
    assert.equal((await shown(w, runId)).run.status, "queued");
    assert.match((await w.cli("runs")).stdout, new RegExp(`${runId} .* queued .* queued `));
    const follower = w.start("logs", "-f", "--json", runId);
    await sleep(300); // The follower is polling a queued run with no events yet.
    const worker = await w.cli("worker", "--once");
    assert.equal(worker.code, 0, worker.stderr);
    assert.match(worker.stderr, /1 run\(s\) finished/);
    const followed = await follower.ended;
    assert.equal(followed.code, 0, followed.stderr);
    const lines = followed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as RunEvent);
    assert.deepEqual(
      lines.map((event) => event.seq),
      lines.map((_, index) => index + 1),
      "every event once, in order, none missing",
    );
    assert.deepEqual(lines, await events(w, runId), "what was followed is the whole trace");
    assert.equal(lines[0]!.type, "run-start");
    assert.equal(lines.at(-1)!.type, "run-end");
    assert.equal(lines.at(-1)!.data.outcome, "success");
    const { run } = await shown(w, runId);
    assert.deepEqual([run.status, run.outcome, run.attempt], ["finished", "success", 1]);
  });

  test("an unknown base is refused at intake: exit 2, one line, no store, run or mirror", async () => {
    const w = await world([]);
    const result = await w.cli(
      "run",
      "--detach",
      "--repo",
      w.repo,
      "--task",
      "x",
      "--base",
      "no-such-branch",
    );
    assert.equal(result.code, 2);
    assert.match(
      result.stderr.trim(),
      /^slipway: base ref "no-such-branch" was not found in .*; branches there include main$/,
    );
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.equal(existsSync(path.join(w.setup.dataDir, "slipway.db")), false);
    assert.equal(existsSync(path.join(w.setup.dataDir, "mirrors")), false);
  });

  test("cancel: a queued run ends cancelled at once and no worker executes it", async () => {
    const w = await world([]);
    const runId = await w.detach();
    const cancelled = await w.cli("cancel", runId);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /cancelled \(it had not started\)/);
    assert.deepEqual(
      [(await shown(w, runId)).run.status, (await shown(w, runId)).run.outcome],
      ["finished", "cancelled"],
    );
    const worker = await w.cli("worker", "--once");
    assert.match(worker.stderr, /0 run\(s\) finished/);
  });

  test("cancel: a running run is stopped by its worker within seconds and ends cancelled", async () => {
    // The model takes 30 s to answer: only the cancel can end the run early.
    const w = await world([{ toolCalls: [edit], delayMs: 30_000 }, { toolCalls: [finish] }]);
    const runId = await w.detach();
    const worker = w.start("worker");
    await waitForEvents(
      w,
      runId,
      (all) => all.some((event) => event.type === "agent-start"),
      "the agent stage",
    );
    const asked = Date.now();
    const cancelled = await w.cli("cancel", runId);
    assert.match(cancelled.stdout, /cancel requested/);
    await waitForEvents(w, runId, (all) => all.some((event) => event.type === "run-end"), "the run's end");
    assert.ok(Date.now() - asked < 10_000, "stopped within seconds, not when the model answered");
    assert.equal((await shown(w, runId)).run.outcome, "cancelled");
    worker.child.kill("SIGTERM");
    const stopped = await worker.ended;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, new RegExp(`run ${runId}: cancelled`));
  });

  test("cancel: a run executing in its own `slipway run` process is stopped too (exit 18)", async () => {
    const w = await world([{ toolCalls: [edit], delayMs: 30_000 }, { toolCalls: [finish] }]);
    const running = w.start("run", "--repo", w.repo, "--task", "Edit the README's title");
    let runId: string | undefined;
    for (let attempt = 0; attempt < 300 && runId === undefined; attempt++) {
      await sleep(100);
      if (!existsSync(path.join(w.setup.dataDir, "slipway.db"))) continue;
      const store = await openSqliteStore(path.join(w.setup.dataDir, "slipway.db"));
      runId = (await store.listRuns({ limit: 1 }))[0]?.id;
      await store.close();
    }
    assert.ok(runId, "the run was recorded");
    await waitForEvents(
      w,
      runId,
      (all) => all.some((event) => event.type === "agent-start"),
      "the agent stage",
    );
    const asked = Date.now();
    assert.match((await w.cli("cancel", runId)).stdout, /cancel requested/);
    const ended = await running.ended;
    assert.ok(Date.now() - asked < 10_000, "stopped within seconds, not when the model answered");
    assert.equal(ended.code, 18, ended.stderr);
    assert.equal((await shown(w, runId)).run.outcome, "cancelled");
  });

  test("a stopped worker hands its unfinished run back after a lease; another completes it and the old attempt wrote nothing more", async () => {
    const w = await world([
      { toolCalls: [edit], delayMs: 30_000 },
      { toolCalls: [edit] },
      { toolCalls: [finish] },
    ]);
    const runId = await w.detach();
    const stopping = w.start("worker");
    await waitForEvents(
      w,
      runId,
      (all) => all.some((event) => event.type === "model-request"),
      "the model call (its answer is 30 s away: nothing more is recorded until the run is stopped)",
    );
    const before = (await events(w, runId)).length;
    stopping.child.kill("SIGTERM");
    const stopped = await stopping.ended;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, new RegExp(`run ${runId}: handed back`));
    assert.equal(
      (await events(w, runId)).length,
      before,
      "the handed-back attempt recorded nothing after it",
    );
    await sleep(1_600); // Its lease (1.5 s) runs out.
    const rescuer = await w.cli("worker", "--once");
    assert.equal(rescuer.code, 0, rescuer.stderr);
    const { run } = await shown(w, runId);
    assert.deepEqual([run.outcome, run.attempt], ["success", 2], JSON.stringify(run));
    const ends = (await events(w, runId)).filter(
      (event) => event.type === "run-end" || event.type === "run-error",
    );
    assert.deepEqual(
      ends.map((event) => event.type),
      ["run-end"],
    );
  });

  test("a worker killed in the agent stage loses its lease; another restarts the run: one pull request, two attempts", async () => {
    // Attempt 1 waits on its first model answer when its worker is killed; attempt 2 gets the rest.
    const w = await world([
      { toolCalls: [edit], delayMs: 30_000 },
      { toolCalls: [edit] },
      { toolCalls: [finish] },
    ]);
    const runId = await w.detach();
    const doomed = w.start("worker");
    await waitForEvents(
      w,
      runId,
      (all) => all.some((event) => event.type === "agent-start"),
      "the agent stage",
    );
    doomed.child.kill("SIGKILL");
    assert.equal((await doomed.ended).signal, "SIGKILL");
    await sleep(1_600); // The lease (1.5 s) runs out.
    const rescuer = await w.cli("worker", "--once");
    assert.equal(rescuer.code, 0, rescuer.stderr);
    assert.match(rescuer.stderr, /lease expired; queued again/);
    const { run } = await shown(w, runId);
    assert.deepEqual([run.outcome, run.attempt], ["success", 2]);
    const trace = await events(w, runId);
    assert.equal(trace.filter((event) => event.type === "run-start").length, 1);
    assert.deepEqual(
      trace.filter((event) => event.type === "run-attempt").map((event) => event.data.attempt),
      [2],
    );
    const listed = await w.cli("pr", "list", "--json");
    assert.equal(JSON.parse(listed.stdout).length, 1, "exactly one pull request");
    const branches = git(w.repo, "branch", "--list", "slipway/*").split("\n").filter(Boolean);
    assert.equal(branches.length, 1);
  });
});
