// A warm run killed while its snapshot is mounted (the agent's first model call) leaves no mount
// behind: the next writing start's recovery unmounts the overlay before removing the worktree and
// volume, and the snapshot is intact and usable.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { dependencyMountsUnder, overlayProblem } from "../src/setup/snapshots/dependency-mounts.ts";
import { runCli, slipwayBin } from "./helpers/cli.ts";
import { baseArgs, setUpScriptedRun } from "./helpers/scripted-run.ts";
import { canary, canaryVariable, makeSetupProject } from "./helpers/setup-project.ts";

const overlay = overlayProblem();
if (overlay) console.log(`# skipping the warm crash test: ${overlay}`);

const stop: ModelScript = { turns: [{ error: { status: 400, message: "stop here" } }] };
const slow: ModelScript = {
  turns: [
    { text: "thinking slowly", delayMs: 30_000, toolCalls: [{ name: "finish", input: { summary: "x" } }] },
  ],
};

test("a warm run killed while its snapshot is mounted leaves no mount after the next start", {
  skip: overlay ?? false,
}, async () => {
  const repo = makeSetupProject({ dependency: "tarball" });
  // A short lease: the killed run is recovered by lease, a second after it stops renewing.
  const settings = { setup: { secretEnv: [canaryVariable] }, queue: { leaseSeconds: 1 } };
  const cold = await setUpScriptedRun(stop, "anthropic", settings);
  const warm = await setUpScriptedRun(slow, "anthropic", settings);
  const shared = { ...warm, dataDir: cold.dataDir, configFile: cold.configFile };
  const env = { ...warm.env, [canaryVariable]: canary };
  try {
    // The cold run saves the snapshot in its setup stage, then stops at its first model call.
    await runCli([...baseArgs(cold), "run", "--repo", repo, "--task", "x"], {
      env: { ...cold.env, [canaryVariable]: canary },
      timeoutMs: 300_000,
    });
    const child = spawn(
      process.execPath,
      [slipwayBin, ...baseArgs(shared), "run", "--repo", repo, "--task", "y"],
      {
        env,
        stdio: "ignore",
      },
    );
    for (let waited = 0; warm.server.requests.length === 0; waited += 100) {
      assert.ok(waited < 120_000, "the warm run never reached the model");
      await sleep(100);
    }
    assert.equal(dependencyMountsUnder(cold.dataDir).length, 1, "the warm run mounted its snapshot");
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("close", resolve));
    assert.equal(dependencyMountsUnder(cold.dataDir).length, 1, "a killed run cannot unmount");

    // Recovery runs in writing starts only (run, worker), once the run's lease has expired.
    await sleep(1_500);
    const worker = await runCli([...baseArgs(shared), "worker", "--once"], { env });
    assert.equal(worker.code, 0, worker.stderr);
    const listed = await runCli([...baseArgs(shared), "runs", "--json"], { env });
    const runs = JSON.parse(listed.stdout) as { id: string; outcome: string; task?: string }[];
    const killed = runs.find((run) => run.outcome === "interrupted");
    assert.ok(killed, `${listed.stdout} ${listed.stderr}`);
    assert.deepEqual(dependencyMountsUnder(cold.dataDir), [], "recovery unmounted the overlay");
    assert.equal(existsSync(path.join(cold.dataDir, "volumes", killed.id)), false);
    assert.equal(existsSync(path.join(cold.dataDir, "volumes", `${killed.id}.img`)), false);
  } finally {
    await cold.server.close();
    await warm.server.close();
  }
});
