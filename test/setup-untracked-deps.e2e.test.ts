// End to end: what setup installed is never the agent's change, whether or not the repository
// ignores it. A Node project with no .gitignore installs is-number from the registry (npm ci) and
// its agent edits one source file: the run succeeds and the branch holds that file only. A
// repository that commits a file under node_modules and an agent that edits it: the guard still
// refuses that one file, and nothing setup installed beside it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, describe, test } from "node:test";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { runCli } from "./helpers/cli.ts";
import { git, makeRepo, tempDir, writeFiles } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";
import { registryReach } from "./helpers/setup-project.ts";

const registry = await registryReach();
if (registry.skip) console.log(`# skipping the install from registry.npmjs.org: ${registry.skip}`);

interface TraceEvent {
  type: string;
  data: Record<string, unknown>;
}

const finish = { toolCalls: [{ name: "finish", input: { summary: "done" } }] };

function editTurn(path: string, oldText: string, newText: string) {
  return { toolCalls: [{ name: "edit_file", input: { path, oldText, newText } }] };
}

/**
 * One `slipway run` of `script` on `repo`, with a fresh data dir or `dataFrom`'s (a warm snapshot
 * it saved is then restored); its report, trace and scripted setup.
 */
async function runScripted(
  repo: string,
  script: ModelScript,
  cleanups: (() => Promise<void>)[],
  dataFrom?: ScriptedRunSetup,
) {
  const fresh = await setUpScriptedRun(script, "anthropic", {
    commands: { allowlist: ["node"] },
    sandbox: { egressAllowAddresses: registry.allowAddresses },
  });
  cleanups.push(() => fresh.server.close());
  const setup = dataFrom ? { ...fresh, dataDir: dataFrom.dataDir, configFile: dataFrom.configFile } : fresh;
  const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "fix it", "--json"], {
    env: setup.env,
    timeoutMs: 300_000,
  });
  const report = JSON.parse(result.stdout || "{}");
  const shown = await runCli([...baseArgs(setup), "show", report.runId, "--json"], { env: setup.env });
  const events = (JSON.parse(shown.stdout) as { events: TraceEvent[] }).events;
  return { result, report, events, setup };
}

/** A Node project whose test needs is-number from the registry, with a lockfile and no .gitignore. */
function makeUnignoredProject(): string {
  const repo = tempDir("unignored-repo");
  writeFiles(repo, {
    "package.json": JSON.stringify(
      {
        name: "unignored",
        private: true,
        type: "module",
        scripts: { test: "node --test" },
        devDependencies: { "is-number": "7.0.0" },
      },
      null,
      2,
    ),
    "src/positive.js":
      'import isNumber from "is-number";\nexport function positive(x) {\n  return isNumber(x) && Number(x) < 0;\n}\n',
    "test/positive.test.js":
      'import assert from "node:assert/strict";\nimport { test } from "node:test";\nimport { positive } from "../src/positive.js";\n\ntest("5 is positive", () => {\n  assert.equal(positive("5"), true);\n});\n',
  });
  execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: repo,
    stdio: "pipe",
    timeout: 120_000,
  });
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "initial");
  return repo;
}

describe("setup's installs are not the agent's change", () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  test("a repository that does not ignore node_modules: the run succeeds and commits the agent's file only", {
    skip: registry.skip ?? false,
  }, async () => {
    const repo = makeUnignoredProject();
    const script = { turns: [editTurn("src/positive.js", "Number(x) < 0", "Number(x) > 0"), finish] };
    // Cold (npm ci), then warm (the snapshot the first run saved, mounted or copied into the worktree).
    const cold = await runScripted(repo, script, cleanups);
    const warm = await runScripted(repo, script, cleanups, cold.setup);
    for (const { result, report, events } of [cold, warm]) {
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.equal(report.outcome, "success", report.detail);
      const setupEnd = events.find((event) => event.type === "setup-end")!;
      assert.deepEqual(setupEnd.data.producedDirectories, ["node_modules"]);
      // The gate ran the test on what setup installed (it imports is-number).
      const verifyStart = events.find((event) => event.type === "verify-start")!;
      assert.deepEqual(verifyStart.data.restoredFromSetup, ["node_modules"]);
      assert.deepEqual(report.filesChanged, ["src/positive.js"]);
      assert.equal(git(repo, "diff", "--name-only", `main..${report.branch}`), "src/positive.js");
    }
    assert.equal(warm.events.find((event) => event.type === "setup-restore")?.data.restored, true);
  });

  test("a repository that commits a file under node_modules: the agent's edit of it is still refused", async () => {
    const repo = makeRepo({
      "package.json": JSON.stringify({ name: "vendored", private: true, scripts: { test: "node --test" } }),
      // Setup (declared) installs beside the committed file, with no network.
      ".slipway.yml":
        "setup:\n  commands: ['node -e \"require(`fs`).mkdirSync(`node_modules/installed`,{recursive:true});require(`fs`).writeFileSync(`node_modules/installed/index.js`,`1`)\"']\n",
      "node_modules/vendored/index.js": "module.exports = 1;\n",
      "test/ok.test.js": 'require("node:test")("ok", () => {});\n',
    });
    const edit = editTurn("node_modules/vendored/index.js", "= 1", "= 2");
    const { result, report, events } = await runScripted(repo, { turns: [edit, finish, finish] }, cleanups);
    assert.equal(report.outcome, "guard_failed", `${result.stdout}\n${result.stderr}`);
    const setupEnd = events.find((event) => event.type === "setup-end")!;
    assert.equal(setupEnd.data.passed, true, JSON.stringify(setupEnd.data));
    assert.deepEqual(setupEnd.data.producedDirectories, ["node_modules"]);
    const guards = events.find((event) => event.type === "guards-end")!;
    const findings = guards.data.findings as { guard: string; message: string }[];
    assert.deepEqual(
      findings.map((finding) => finding.message),
      [
        'node_modules/vendored/index.js is protected by "**/node_modules/**" and this task does not permit changing it; revert the file (it was modified)',
      ],
    );
    assert.deepEqual(report.filesChanged, ["node_modules/vendored/index.js"]);
  });
});
