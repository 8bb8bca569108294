// End to end: per-package setup in a real sandbox. A repository with a Node app in web/ (its own
// lockfile, a dependency packed in the repository, so no network) and a Python service in
// services/api (its own requirements.txt) gets each install run in its own folder by
// `slipway setup --repo`: web/node_modules and services/api/.venv, nothing at the root.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { runCli } from "./helpers/cli.ts";
import { git, writeFiles } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";
import { canary, canaryVariable, makeSetupProject } from "./helpers/setup-project.ts";

/** makeSetupProject's Node project moved into web/, beside a Python service with no requirement. */
function twoPackageRepo(): string {
  const repo = makeSetupProject({ dependency: "tarball" });
  const web = path.join(repo, "web");
  mkdirSync(web);
  for (const name of readdirSync(repo))
    if (name !== ".git" && name !== "web") renameSync(path.join(repo, name), path.join(web, name));
  writeFiles(repo, {
    "services/api/requirements.txt": "# the standard library is enough\n",
    "services/api/app.py": "print('api')\n",
  });
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "web/ and services/api");
  return repo;
}

let setup: ScriptedRunSetup | undefined;
after(() => setup?.server.close());

test("slipway setup runs each package's install in its own folder, in the sandbox", async () => {
  setup = await setUpScriptedRun({ turns: [] }, "anthropic", { setup: { secretEnv: [canaryVariable] } });
  const repo = twoPackageRepo();
  const result = await runCli([...baseArgs(setup), "setup", "--repo", repo], {
    env: { ...setup.env, [canaryVariable]: canary },
    timeoutMs: 300_000,
  });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, / {2}npm ci --no-audit --no-fund {2}\(in web\)/);
  assert.match(result.stdout, / {2}\.venv\/bin\/pip install -r requirements\.txt {2}\(in services\/api\)/);
  assert.match(result.stdout, /setup passed/);
  assert.ok(existsSync(path.join(repo, "web/node_modules/is-number/index.js")), "npm ci ran in web/");
  assert.ok(existsSync(path.join(repo, "services/api/.venv/bin/python")), "the venv is in services/api");
  assert.equal(existsSync(path.join(repo, "node_modules")), false, "nothing was installed at the root");
  assert.equal(existsSync(path.join(repo, ".venv")), false);
});
