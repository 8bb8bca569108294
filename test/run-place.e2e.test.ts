// End to end: a run's volume is made while its mirror is fetched, so a run whose mirror cannot be
// made ends before its stages with its volume already mounted: that volume must go with it.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { closeRunVolume, runVolumeProblem } from "../src/workspace/run-volume.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo, tempDir } from "./helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const problem = runVolumeProblem();
if (problem) console.log(`# skipping the run place test: ${problem}`);

test("a run whose mirror cannot be made ends with no volume left mounted or on disk", {
  skip: problem ?? false,
}, async () => {
  const repo = makeRepo({ "README.md": "# fixture\n" });
  // The local forge's own remote, so the forge is not what fails when the source is gone.
  const remote = tempDir("remote");
  git(remote, "init", "--bare", "--quiet");
  const setup = await setUpScriptedRun({ turns: [] }, "anthropic", { forge: { remote } });
  const volumes = path.join(setup.dataDir, "volumes");
  cleanups.push(async () => {
    await setup.server.close();
    // A volume the run failed to remove is unmounted first: removing the data dir must not walk into it.
    for (const name of existsSync(volumes) ? readdirSync(volumes) : []) {
      if (!name.endsWith(".img"))
        await closeRunVolume(path.join(volumes, name), path.join(volumes, `${name}.img`));
    }
    for (const dir of [repo, `${repo}-moved`, remote, setup.dataDir])
      rmSync(dir, { recursive: true, force: true });
  });
  const cli = (...rest: string[]) =>
    runCli([...baseArgs(setup), ...rest], { env: setup.env, timeoutMs: 60_000 });
  // Intake checks the base while the repository is there; it is gone when the worker mirrors it.
  const queued = await cli("run", "--detach", "--repo", repo, "--task", "Edit the README");
  assert.equal(queued.code, 0, queued.stderr);
  const runId = queued.stdout.trim();
  renameSync(repo, `${repo}-moved`);

  const worker = await cli("worker", "--once");

  assert.equal(worker.code, 0, worker.stderr);
  const shown = await cli("show", runId, "--json");
  const { run, events } = JSON.parse(shown.stdout) as {
    run: { outcome: string; worktree: string | null; model: string };
    events: { type: string; data: { message?: string } }[];
  };
  assert.equal(run.outcome, "error");
  assert.match(events.find((event) => event.type === "run-error")?.data.message ?? "", /cannot mirror/);
  assert.equal(run.worktree ?? null, null, "the run records no worktree place");
  assert.equal(setup.server.requests.length, 0, "no model call");
  assert.deepEqual(existsSync(volumes) ? readdirSync(volumes) : [], [], "no volume image or mount point");
  const mounts = readFileSync("/proc/self/mountinfo", "utf8");
  assert.equal(mounts.includes(volumes), false, "nothing mounted under the data directory");
});
