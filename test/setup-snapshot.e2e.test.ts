// End to end: warm dependency snapshots, on bwrap and docker. The first run installs (npm ci of a
// local tarball) and saves what it produced; the second run with the same lockfile restores it —
// copy-on-write overlay mounts where the host allows, no install command runs — while its agent
// deletes and rewrites files in node_modules and tries to write to the snapshot's own path (read from
// /proc/self/mountinfo), and the snapshot's bytes stay as they were; no mount outlives a run. On
// bwrap also: a changed lockfile makes a new snapshot; `slipway cache list/prune` see them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { dependencyMountsUnder, overlayProblem } from "../src/setup/snapshots/dependency-mounts.ts";
import { runCli } from "./helpers/cli.ts";
import { git, writeFiles } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";
import { canary, canaryVariable, makeSetupProject } from "./helpers/setup-project.ts";

// The agent's vandalism: it removes the installed package, rewrites a file of node_modules, and
// tries to write into and remove every overlay lower layer the mount table names.
const vandal = `import { readFileSync, rmSync, writeFileSync } from "node:fs";
rmSync("node_modules/is-number", { recursive: true, force: true });
writeFileSync("node_modules/.package-lock.json", "{}");
const table = readFileSync("/proc/self/mountinfo", "utf8");
for (const [, lower] of table.matchAll(/lowerdir=([^,\\s]+)/g)) {
  try { writeFileSync(lower + "/planted.js", "x"); } catch {}
  try { rmSync(lower + "/is-number", { recursive: true, force: true }); } catch {}
}
console.log("vandalised");
`;

const script: ModelScript = {
  turns: [
    { toolCalls: [{ name: "run_command", input: { command: "node scripts/vandal.mjs" } }] },
    {
      toolCalls: [
        {
          name: "edit_file",
          input: {
            path: "src/positive.js",
            oldText: "return isNumber(x) && Number(x) < 0;",
            newText: "return isNumber(x) && Number(x) > 0;",
          },
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
    { encoding: "utf8", timeout: 60_000 },
  );
}

const dockerReason = await dockerTestSkipReason();
const dockerSkip = dockerReason ? `no Docker engine here: ${dockerReason}` : false;
if (dockerSkip) console.log(`# skipping the docker warm snapshot case: ${dockerSkip}`);
const overlay = overlayProblem();
if (overlay) console.log(`# warm restores copy here (${overlay}): the overlay assertions are left out`);

// The two backends at once (each its own data directory and repositories); each one's runs in
// order (they share that data directory and its snapshots), hence its own concurrency of 1.
describe("warm dependency snapshots", { concurrency: true }, () => {
  for (const backend of ["bwrap", "docker"] as const) {
    describe(`warm dependency snapshots (${backend})`, {
      skip: backend === "docker" ? dockerSkip : false,
      concurrency: 1,
    }, () => {
      const cleanups: (() => Promise<void>)[] = [];
      after(async () => {
        for (const cleanup of cleanups) await cleanup();
      });

      let first: ScriptedRunSetup | undefined;
      /** A run on a fresh scripted model, every run sharing the first one's data directory. */
      async function runTask(repo: string, task: string) {
        const docker =
          backend === "docker" ? { sandbox: { dockerImage: testImage, dockerHostToolchain: true } } : {};
        const setup = await setUpScriptedRun(script, "anthropic", {
          setup: { secretEnv: [canaryVariable] },
          commands: { allowlist: ["node"] },
          ...docker,
        });
        cleanups.push(() => setup.server.close());
        first ??= setup;
        const shared = { ...setup, dataDir: first.dataDir, configFile: first.configFile };
        const sandbox: Record<string, string> = backend === "docker" ? { SLIPWAY_SANDBOX: "docker" } : {};
        const result = await runCli([...baseArgs(shared), "run", "--repo", repo, "--task", task, "--json"], {
          env: { ...setup.env, ...sandbox, [canaryVariable]: canary },
          timeoutMs: 300_000,
        });
        const report = JSON.parse(result.stdout || "{}");
        assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
        assert.equal(report.outcome, "success", report.detail);
        // Whatever the run mounted went with it (the gate's and cleanup's unmounts).
        assert.deepEqual(dependencyMountsUnder(shared.dataDir), [], "no overlay mount outlives the run");
        const shown = await runCli([...baseArgs(shared), "show", report.runId, "--json"], { env: setup.env });
        const events = (JSON.parse(shown.stdout) as { events: TraceEvent[] }).events;
        // The worktree went without a problem: nothing it removed was still mounted.
        assert.deepEqual(events.find((event) => event.type === "workspace-remove")?.data.problems, []);
        return { events, shared, find: (type: string) => events.find((event) => event.type === type) };
      }

      test("the second run restores the snapshot instead of installing; its agent's changes leave the snapshot intact", async () => {
        const repo = makeSetupProject({ dependency: "tarball" });
        writeFiles(repo, { "scripts/vandal.mjs": vandal });
        git(repo, "add", "scripts/vandal.mjs");
        git(repo, "commit", "--quiet", "-m", "vandal");

        const cold = await runTask(repo, "positive(5) is true");
        assert.equal(cold.find("setup-restore"), undefined, "no snapshot yet");
        assert.deepEqual(cold.find("setup-end")!.data.commands, ["npm ci --no-audit --no-fund"]);
        const saved = cold.find("setup-snapshot")!.data;
        assert.equal(saved.saved, true, JSON.stringify(saved));
        const key = saved.key as string;
        const snapshot = path.join(cold.shared.dataDir, "snapshots", key);
        const before = treeHash(snapshot);
        assert.match(before, /node_modules\/is-number\/index\.js/);

        const warm = await runTask(repo, "positive(5) is true, second time");
        const restore = warm.find("setup-restore")!.data;
        assert.equal(restore.restored, true, JSON.stringify(restore));
        assert.equal(restore.key, key);
        assert.ok(Number.isInteger(restore.durationMs));
        // bwrap mounts the snapshot; docker copies it (its chown -R hand-over would copy up every file).
        if (!overlay)
          assert.equal(restore.mode, backend === "bwrap" ? "overlay" : "copy", JSON.stringify(restore));
        if (backend === "docker") assert.match(String(restore.fallback), /chown -R/);
        // No install ran: no command result, no setup sandbox egress, nothing saved again.
        const setupEnd = warm.find("setup-end")!.data;
        assert.deepEqual(setupEnd.results, []);
        assert.deepEqual(setupEnd.commands, []);
        assert.equal(setupEnd.restoredFrom, key);
        assert.equal(warm.find("setup-snapshot"), undefined);
        assert.equal(warm.find("setup-egress"), undefined);
        // The agent deleted is-number from its copy; the gate ran on the setup copy and passed.
        assert.deepEqual(warm.find("verify-start")!.data.restoredFromSetup, ["node_modules"]);
        // bwrap's checks see a mount made at the gate: the snapshot is mounted again; docker's get a copy.
        if (!overlay) assert.equal(warm.find("verify-start")!.data.dependenciesMounted, backend === "bwrap");
        assert.equal(treeHash(snapshot), before, "the snapshot is byte for byte what the cold setup made");
        // On bwrap only (the key's code is the backend's too): a changed lockfile (and manifest, kept in
        // sync for npm ci) is a different key, installed again; cache list/prune see both snapshots.
        if (backend === "docker") return;
        for (const file of ["package.json", "package-lock.json"]) {
          const text = readFileSync(path.join(repo, file), "utf8");
          writeFiles(repo, { [file]: text.replaceAll('"setup-fixture"', '"setup-fixture-two"') });
        }
        git(repo, "commit", "--quiet", "-am", "rename the package");
        const changed = await runTask(repo, "positive(5) is true, third time");
        assert.equal(changed.find("setup-restore"), undefined);
        assert.deepEqual(changed.find("setup-end")!.data.commands, ["npm ci --no-audit --no-fund"]);
        const second = changed.find("setup-snapshot")!.data;
        assert.equal(second.saved, true);
        assert.notEqual(second.key, key);

        const listed = await runCli([...baseArgs(changed.shared), "cache", "list", "--json"], {
          env: changed.shared.env,
        });
        assert.equal(listed.code, 0, listed.stderr);
        const keys = (JSON.parse(listed.stdout) as { key: string }[]).map((entry) => entry.key).sort();
        assert.deepEqual(keys, [key, second.key as string].sort());
        // The cold setups kept npm's downloads for the repository; prune --all removes them too.
        const caches = path.join(changed.shared.dataDir, "caches");
        assert.ok(existsSync(path.join(caches, "node")), "setup's npm cache is kept");
        const text = await runCli([...baseArgs(changed.shared), "cache", "list"], {
          env: changed.shared.env,
        });
        assert.match(text.stdout, /download caches: \d+\.\d MiB/);
        const pruned = await runCli([...baseArgs(changed.shared), "cache", "prune", "--all"], {
          env: changed.shared.env,
        });
        assert.match(pruned.stdout, /removed 2 snapshots .*; download caches removed/);
        assert.equal(existsSync(caches), false);
      });
    });
  }
});
