// End to end: `slipway setup` on a Python project: a virtualenv in .venv filled by pip from
// requirements.txt, whose one requirement is a wheel made here (no network); a requirement that
// cannot be found fails the setup with pip's own error line.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { runCli } from "./helpers/cli.ts";
import { tempDir, writeFiles } from "./helpers/git-fixture.ts";
import { baseArgs, type ScriptedRunSetup, setUpScriptedRun } from "./helpers/scripted-run.ts";

/** A pure-Python wheel of one module, written with the standard library's zipfile. */
const makeWheel = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    wheel.writestr("tinydep/__init__.py", "def double(x):\\n    return 2 * x\\n")
    wheel.writestr("tinydep-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: tinydep\\nVersion: 1.0\\n")
    wheel.writestr("tinydep-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    wheel.writestr("tinydep-1.0.dist-info/RECORD", "tinydep/__init__.py,,\\ntinydep-1.0.dist-info/METADATA,,\\ntinydep-1.0.dist-info/WHEEL,,\\ntinydep-1.0.dist-info/RECORD,,\\n")
`;

function pythonProject(requirement: string): string {
  const repo = tempDir("setup-python");
  writeFiles(repo, { "requirements.txt": `${requirement}\n`, "app.py": "import tinydep\n" });
  execFileSync("mkdir", ["-p", path.join(repo, "wheels")]);
  execFileSync("python3", ["-c", makeWheel, path.join(repo, "wheels/tinydep-1.0-py3-none-any.whl")], {
    timeout: 30_000,
  });
  return repo;
}

let pythonSkip: string | false = false;
try {
  execFileSync("python3", ["-c", "import venv, ensurepip"], { stdio: "pipe", timeout: 30_000 });
} catch {
  pythonSkip = "python3 with venv and ensurepip is not installed here";
  console.log(`# skipping the Python setup test: ${pythonSkip}`);
}

describe("slipway setup on a Python project", { skip: pythonSkip }, () => {
  let setup: ScriptedRunSetup | undefined;
  after(() => setup?.server.close());

  test("makes .venv and installs requirements.txt's wheel into it; a missing one fails with pip's error", async () => {
    setup = await setUpScriptedRun({ turns: [] }, "anthropic");
    const repo = pythonProject("./wheels/tinydep-1.0-py3-none-any.whl");
    const passed = await runCli([...baseArgs(setup), "setup", "--repo", repo], {
      env: setup.env,
      timeoutMs: 300_000,
    });
    assert.equal(passed.code, 0, `${passed.stdout}\n${passed.stderr}`);
    assert.match(passed.stdout, /python: requirements\.txt: a virtualenv in \.venv, filled by pip/);
    const libs = readdirSync(path.join(repo, ".venv/lib"));
    assert.ok(
      existsSync(path.join(repo, ".venv/lib", libs[0]!, "site-packages/tinydep/__init__.py")),
      libs.join(","),
    );

    const missing = pythonProject("./wheels/absent-1.0-py3-none-any.whl");
    const failed = await runCli([...baseArgs(setup), "setup", "--repo", missing], {
      env: setup.env,
      timeoutMs: 300_000,
    });
    assert.equal(failed.code, 16, `${failed.stdout}\n${failed.stderr}`);
    assert.match(
      failed.stdout,
      /setup failed: \.venv\/bin\/pip install -r requirements\.txt failed \(exit 1\): ERROR: /,
    );
  });
});
