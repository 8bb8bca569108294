// End to end on a real Node project whose devDependency, vitest, installs from registry.npmjs.org
// (bwrap): the cold run installs with npm ci, the scripted agent fixes the code and the gate runs
// `vitest run` from the test script; the warm run with the same lockfile restores the snapshot (no
// install) while its agent deletes and rewrites files in node_modules, and the snapshot keeps its
// bytes; a changed lockfile (a second dependency) makes a new snapshot.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { dependencyMountsUnder, overlayProblem } from "../src/setup/snapshots/dependency-mounts.ts";
import { runCli } from "./helpers/cli.ts";
import { git, tempDir, writeFiles } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun, testSandbox } from "./helpers/scripted-run.ts";
import { registryReach } from "./helpers/setup-project.ts";

// The project's own vitest: its engines name Node 24, and none of its 33 packages has an install script.
const vitestVersion = "5.1.2";
const npmCi = "npm ci --no-audit --no-fund";

const registry = await registryReach();
const overlay = overlayProblem();
const sandbox = await testSandbox();
const skip =
  registry.skip ?? (sandbox === "bwrap" ? false : "bwrap is unavailable here (the warm restore is bwrap's)");
if (skip) console.log(`# skipping the vitest end-to-end runs: ${skip}`);

// The agent's vandalism: it removes vitest itself, rewrites npm's record of node_modules, and tries
// to write into and remove from every overlay lower layer the mount table names.
const vandal = `import { readFileSync, rmSync, writeFileSync } from "node:fs";
rmSync("node_modules/vitest", { recursive: true, force: true });
writeFileSync("node_modules/.package-lock.json", "{}");
const table = readFileSync("/proc/self/mountinfo", "utf8");
for (const [, lower] of table.matchAll(/lowerdir=([^,\\s]+)/g)) {
  try { writeFileSync(lower + "/planted.js", "x"); } catch {}
  try { rmSync(lower + "/vitest", { recursive: true, force: true }); } catch {}
}
console.log("vandalised");
`;

const script: ModelScript = {
  turns: [
    { toolCalls: [{ name: "verify", input: {} }] },
    { toolCalls: [{ name: "run_command", input: { command: "node scripts/vandal.mjs" } }] },
    {
      toolCalls: [
        {
          name: "edit_file",
          input: { path: "src/sum.js", oldText: "return a - b;", newText: "return a + b;" },
        },
      ],
    },
    { toolCalls: [{ name: "finish", input: { summary: "sum() adds." } }] },
  ],
};

interface TraceEvent {
  type: string;
  data: Record<string, unknown>;
}

function npm(cwd: string, ...args: string[]): void {
  execFileSync("npm", [...args, "--no-audit", "--no-fund"], { cwd, stdio: "pipe", timeout: 120_000 });
}

/** The committed project: a failing Vitest test, and a lockfile npm resolved against the registry. */
function makeVitestProject(): string {
  const repo = tempDir("vitest-repo");
  writeFiles(repo, {
    "package.json": JSON.stringify(
      {
        name: "vitest-fixture",
        private: true,
        type: "module",
        scripts: { test: "vitest run" },
        devDependencies: { vitest: vitestVersion },
      },
      null,
      2,
    ),
    ".gitignore": "node_modules/\n",
    "scripts/vandal.mjs": vandal,
    "src/sum.js": "export function sum(a, b) {\n  return a - b;\n}\n",
    "test/sum.test.js":
      'import { expect, test } from "vitest";\nimport { sum } from "../src/sum.js";\n\ntest("sum adds", () => {\n  expect(sum(2, 3)).toBe(5);\n});\n',
  });
  npm(repo, "install", "--package-lock-only", "--ignore-scripts");
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "initial");
  return repo;
}

/** sha256 of every path, kind, link target and file content under `root`. */
function treeHash(root: string): string {
  return execFileSync(
    "bash",
    [
      "-c",
      "cd \"$1\" && find . -path ./meta.json -prune -o -printf '%y %p %l %m\\n' | sort && find . -type f ! -name meta.json -print0 | sort -z | xargs -0 sha256sum",
      "_",
      root,
    ],
    { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
}

describe("a Vitest project from the registry, cold then warm", { skip }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  let first: ScriptedRunSetup | undefined;
  /** A run on a fresh scripted model, every run sharing the first one's data directory. */
  async function runTask(repo: string, task: string) {
    const setup = await setUpScriptedRun(script, "anthropic", {
      commands: { allowlist: ["node"] },
      sandbox: { egressAllowAddresses: registry.allowAddresses },
    });
    cleanups.push(() => setup.server.close());
    first ??= setup;
    const shared = { ...setup, dataDir: first.dataDir, configFile: first.configFile };
    const result = await runCli([...baseArgs(shared), "run", "--repo", repo, "--task", task, "--json"], {
      env: setup.env,
      timeoutMs: 300_000,
    });
    const report = JSON.parse(result.stdout || "{}");
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.equal(report.outcome, "success", report.detail);
    assert.match(git(repo, "show", `${report.branch}:src/sum.js`), /return a \+ b;/);
    const shown = await runCli([...baseArgs(shared), "show", report.runId, "--json"], { env: setup.env });
    const events = (JSON.parse(shown.stdout) as { events: TraceEvent[] }).events;
    const find = (type: string) => events.find((event) => event.type === type);
    // Before the fix, the agent's checks ran vitest on the installed (or restored) node_modules and
    // saw the failing test.
    const fast = events.find((event) => event.type === "verify-end" && event.data.speed === "fast")!;
    assert.equal(fast.data.passed, false, JSON.stringify(fast.data));
    const [check] = fast.data.results as { command: string; findings: Record<string, unknown>[] }[];
    assert.equal(check?.command, "npm run test");
    assert.equal(check.findings[0]?.test, "sum adds");
    assert.match(String(check.findings[0]?.message), /expected -1 to be 5/);
    // The agent's vandalism ran; whatever the run mounted went with it.
    assert.match(JSON.stringify(setup.server.requests), /vandalised/);
    assert.deepEqual(dependencyMountsUnder(shared.dataDir), [], "no overlay mount outlives the run");
    assert.deepEqual(find("workspace-remove")?.data.problems, []);
    // The gate ran vitest (from the test script) on the setup's node_modules, not the agent's.
    assert.deepEqual(find("verify-start")?.data.restoredFromSetup, ["node_modules"]);
    const full = events.find((event) => event.type === "verify-end" && event.data.speed === "full")!;
    assert.equal(full.data.passed, true, JSON.stringify(full.data));
    const results = full.data.results as { command: string; passed: boolean }[];
    assert.deepEqual(
      results.map((entry) => [entry.command, entry.passed]),
      [["npm run test", true]],
    );
    return { events, shared, find };
  }

  test("npm ci, then a restored snapshot the agent cannot change, then a new one for a new lockfile", async () => {
    const repo = makeVitestProject();

    const cold = await runTask(repo, "sum(2, 3) is 5");
    assert.equal(cold.find("setup-restore"), undefined, "no snapshot yet");
    assert.deepEqual(cold.find("setup-end")!.data.commands, [npmCi]);
    const saved = cold.find("setup-snapshot")!.data;
    assert.equal(saved.saved, true, JSON.stringify(saved));
    const key = saved.key as string;
    const snapshot = path.join(cold.shared.dataDir, "snapshots", key);
    const before = treeHash(snapshot);
    assert.match(before, /node_modules\/vitest\/package\.json/);

    const warm = await runTask(repo, "sum(2, 3) is 5, second time");
    const restore = warm.find("setup-restore")?.data ?? {};
    assert.equal(restore.restored, true, JSON.stringify(restore));
    assert.equal(restore.key, key);
    if (overlay) console.log(`# the warm restore copies here (${overlay}): its mode is not asserted`);
    else assert.equal(restore.mode, "overlay", JSON.stringify(restore));
    // No install ran: no command, no result, no setup egress, nothing saved again.
    const setupEnd = warm.find("setup-end")!.data;
    assert.deepEqual(setupEnd.commands, []);
    assert.deepEqual(setupEnd.results, []);
    assert.equal(setupEnd.restoredFrom, key);
    assert.equal(warm.find("setup-snapshot"), undefined);
    assert.equal(warm.find("setup-egress"), undefined);
    assert.equal(treeHash(snapshot), before, "the snapshot is byte for byte what the cold setup made");

    // A second dependency changes the lockfile: a different key, installed again.
    const manifest = JSON.parse(git(repo, "show", "HEAD:package.json"));
    manifest.devDependencies["is-number"] = "7.0.0";
    writeFiles(repo, { "package.json": JSON.stringify(manifest, null, 2) });
    npm(repo, "install", "--package-lock-only", "--ignore-scripts");
    git(repo, "commit", "--quiet", "-am", "add is-number");
    const changed = await runTask(repo, "sum(2, 3) is 5, third time");
    assert.equal(changed.find("setup-restore"), undefined);
    assert.deepEqual(changed.find("setup-end")!.data.commands, [npmCi]);
    const second = changed.find("setup-snapshot")!.data;
    assert.equal(second.saved, true, JSON.stringify(second));
    assert.notEqual(second.key, key);
    assert.match(
      treeHash(path.join(changed.shared.dataDir, "snapshots", second.key as string)),
      /node_modules\/is-number\/package\.json/,
    );
    assert.equal(treeHash(snapshot), before, "the first snapshot is kept as it was");
  });
});
