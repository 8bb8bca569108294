// End to end: the setup stage on a real Node project whose devDependency installs from the npm
// registry. A scripted agent fixes a bug the test finds only with the dependency installed; setup
// reaches the registry and nothing else, the agent reaches nothing, the private-registry secret is
// handed to setup only; a lockfile out of sync ends the run as setup_failed before any model call.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";
import {
  canary,
  canaryParts,
  canaryVariable,
  makeSetupProject,
  registryReach,
} from "./helpers/setup-project.ts";

const registry = await registryReach();
const registrySkip = registry.skip ?? false;
if (registrySkip) console.log(`# skipping the install from registry.npmjs.org: ${registrySkip}`);
if (registry.allowAddresses.length > 0)
  console.log(
    `# registry.npmjs.org is served from ${registry.allowAddresses.join(", ")} here: allowed by sandbox.egressAllowAddresses`,
  );

const fixed = "return isNumber(x) && Number(x) > 0;";

const script: ModelScript = {
  turns: [
    {
      toolCalls: [
        { name: "run_command", input: { command: `node scripts/probe.mjs ${canaryParts.join(" ")}` } },
      ],
    },
    {
      toolCalls: [
        {
          name: "edit_file",
          input: { path: "src/positive.js", oldText: "return isNumber(x) && Number(x) < 0;", newText: fixed },
        },
      ],
    },
    { toolCalls: [{ name: "finish", input: { summary: "positive() compares with > 0." } }] },
  ],
};

interface TraceEvent {
  type: string;
  data: Record<string, unknown>;
}

async function trace(setup: ScriptedRunSetup, runId: string): Promise<TraceEvent[]> {
  const shown = await runCli([...baseArgs(setup), "show", runId, "--json"], { env: setup.env });
  assert.equal(shown.code, 0, shown.stderr);
  return (JSON.parse(shown.stdout) as { events: TraceEvent[] }).events;
}

/** Every file under `root` whose bytes hold `needle` (bounded walk). */
function filesHolding(root: string, needle: string): string[] {
  const found: string[] = [];
  const pending = [root];
  for (let steps = 0; pending.length > 0 && steps < 100_000; steps++) {
    const current = pending.pop()!;
    const stat = statSync(current, { throwIfNoEntry: false });
    if (stat?.isDirectory()) pending.push(...readdirSync(current).map((name) => path.join(current, name)));
    else if (stat?.isFile() && readFileSync(current).includes(needle)) found.push(current);
  }
  return found;
}

/** A fresh scripted model and data dir, with the canary named in setup.secretEnv. */
async function scriptedRun(cleanups: (() => Promise<void>)[]): Promise<ScriptedRunSetup> {
  const setup = await setUpScriptedRun(script, "anthropic", {
    setup: { secretEnv: [canaryVariable] },
    commands: { allowlist: ["node"] },
    sandbox: { egressAllowAddresses: registry.allowAddresses },
  });
  cleanups.push(() => setup.server.close());
  return setup;
}

async function runTask(setup: ScriptedRunSetup, repo: string, task: string) {
  const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", task, "--json"], {
    env: { ...setup.env, [canaryVariable]: canary },
    timeoutMs: 300_000,
  });
  return { result, report: JSON.parse(result.stdout || "{}") };
}

/** The run fixing positive(): setup installed is-number, the gate ran on it, and the run succeeded. */
async function assertFixedWithSetup(setup: ScriptedRunSetup, repo: string): Promise<TraceEvent[]> {
  const { result, report } = await runTask(setup, repo, "positive(5) is true");
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.equal(report.outcome, "success", report.detail);
  const events = await trace(setup, report.runId);
  const setupEnd = events.find((event) => event.type === "setup-end")!;
  assert.equal(setupEnd.data.passed, true);
  assert.deepEqual(setupEnd.data.commands, ["npm ci --no-audit --no-fund"]);
  assert.deepEqual(setupEnd.data.producedDirectories, ["node_modules"]);
  assert.ok(Number.isInteger(setupEnd.data.durationMs), "setup-end records its duration in ms");
  assert.deepEqual(
    (setupEnd.data.results as { name: string; exitCode: number }[]).map((entry) => [
      entry.name,
      entry.exitCode,
    ]),
    [["npm ci --no-audit --no-fund", 0]],
  );
  // The gate's checks ran on the dependencies setup installed (the test imports is-number).
  const verifyStart = events.find((event) => event.type === "verify-start")!;
  assert.deepEqual(verifyStart.data.restoredFromSetup, ["node_modules"]);
  const full = events.find((event) => event.type === "verify-end" && event.data.speed === "full")!;
  assert.equal(full.data.passed, true);
  assert.match(git(repo, "show", `${report.branch}:src/positive.js`), /Number\(x\) > 0/);
  // The agent reached no network and saw no secret, in its environment or in any worktree file.
  const probed = JSON.stringify(setup.server.requests[1]!.body);
  assert.match(probed, /network=BLOCKED env=CLEAN files=CLEAN checked=\d+/);
  // The secret is in no trace event, stored record or pull request, and in no pushed file.
  assert.deepEqual(filesHolding(setup.dataDir, canary), []);
  assert.equal(JSON.stringify(events).includes(canary), false);
  assert.equal(JSON.stringify(setup.server.requests).includes(canary), false);
  assert.throws(() => git(repo, "grep", "-q", canary, report.branch));
  return events;
}

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("the setup stage", { concurrency: true }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  test("installs the dependency (npm ci from the lockfile), so the agent's fix passes the gate; the secret reaches setup only", async () => {
    const setup = await scriptedRun(cleanups);
    await assertFixedWithSetup(setup, makeSetupProject({ dependency: "tarball" }));
  });

  test("installs from registry.npmjs.org: setup reaches the registry and nothing else", {
    skip: registrySkip,
  }, async () => {
    const setup = await scriptedRun(cleanups);
    const events = await assertFixedWithSetup(setup, makeSetupProject({ dependency: "registry" }));
    const egress = events.filter((event) => event.type === "setup-egress");
    assert.ok(egress.length > 0, "the setup's requests went through the egress proxy");
    const seen = new Set(egress.map((event) => `${event.data.verdict} ${event.data.host}`));
    assert.deepEqual([...seen], ["allowed registry.npmjs.org"]);
  });

  test("a lockfile out of sync ends the run as setup_failed in one line, before any model call", async () => {
    const setup = await scriptedRun(cleanups);
    const { result, report } = await runTask(
      setup,
      makeSetupProject({ dependency: "tarball", breakLockfile: true }),
      "anything",
    );
    assert.equal(result.code, 16, `${result.stdout}\n${result.stderr}`);
    assert.equal(report.outcome, "setup_failed");
    assert.match(report.detail, /^npm ci --no-audit --no-fund failed \(exit 1\): npm error .*in sync/);
    assert.equal(report.detail.includes("\n"), false);
    assert.equal(setup.server.requests.length, 0, "no model request was made");
  });

  test("slipway setup --repo installs in place, says what it detected and why, and exits 16 on a failure", async () => {
    const setup = await scriptedRun(cleanups);
    const env = { ...setup.env, [canaryVariable]: canary };
    const repo = makeSetupProject({ dependency: "tarball" });
    const passed = await runCli([...baseArgs(setup), "setup", "--repo", repo], { env, timeoutMs: 300_000 });
    assert.equal(passed.code, 0, `${passed.stdout}\n${passed.stderr}`);
    assert.match(passed.stdout, /detected 1 command:\n {2}npm ci --no-audit --no-fund/);
    assert.match(passed.stdout, /node: npm from package-lock\.json/);
    assert.match(passed.stdout, /setup passed/);
    assert.ok(existsSync(path.join(repo, "node_modules/is-number/index.js")));
    const broken = makeSetupProject({ dependency: "tarball", breakLockfile: true });
    const failed = await runCli([...baseArgs(setup), "setup", "--repo", broken], { env, timeoutMs: 300_000 });
    assert.equal(failed.code, 16, `${failed.stdout}\n${failed.stderr}`);
    assert.match(
      failed.stdout,
      /setup failed: npm ci --no-audit --no-fund failed \(exit 1\): npm error .*in sync/,
    );
  });
});
