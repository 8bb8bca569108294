// pytest's collection errors on the real pytest: a SyntaxError or an ImportError in a module the
// tests import is named where it is (the module's line), not at the test module's import line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { toVerifierResult } from "../run-verifiers.ts";

const hasPytest = spawnSync("python3", ["-m", "pytest", "--version"], { timeout: 30_000 }).status === 0;
const root = mkdtempSync(path.join(tmpdir(), "slipway-pytest-collect-"));
after(() => rmSync(root, { recursive: true, force: true }));

const files: Record<string, string> = {
  "mod.py": '"""A module under test."""\n\nX = 1\n\n\ndef slipway_planted(:\n    pass\n',
  "helper.py": "import missing_dependency_xyz\n",
  "tests/test_mod.py": "import mod\n\n\ndef test_x():\n    assert mod.X == 1\n",
  "tests/test_imp.py": "\nimport helper\n\n\ndef test_y():\n    assert True\n",
  "tests/test_own.py": "def test_z(:\n    pass\n",
};

test("a collection error is named at the SyntaxError's line or the failing import's", {
  skip: hasPytest ? false : "pytest is not installed here (apt-get install python3-pytest)",
}, () => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  const run = spawnSync("python3", ["-m", "pytest", "-rfEsxX", "-p", "no:cacheprovider"], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PYTHONPATH: root, PYTHONDONTWRITEBYTECODE: "1" },
  });
  assert.equal(run.status, 2, run.stdout + run.stderr);
  const command = {
    name: "pytest",
    command: "python3",
    args: ["-m", "pytest"],
    cwd: ".",
    parser: "pytest",
    speeds: ["full" as const],
    timeoutMs: 60_000,
  };
  const execution = { exitCode: 2, signal: null, output: run.stdout, timedOut: false, truncated: false };
  const { findings } = toVerifierResult(command, { ...execution, durationMs: 1 }, [root]);
  const byTest = new Map(findings.map((finding) => [finding.test, finding]));
  const syntax = byTest.get("tests/test_mod.py");
  assert.deepEqual([syntax?.file, syntax?.line], ["mod.py", 6]);
  assert.match(syntax?.message ?? "", /SyntaxError/);
  assert.match(syntax?.context ?? "", /^imported at tests\/test_mod\.py:1$/m);
  const missing = byTest.get("tests/test_imp.py");
  assert.deepEqual([missing?.file, missing?.line], ["helper.py", 1]);
  assert.match(missing?.message ?? "", /No module named 'missing_dependency_xyz'/);
  assert.match(missing?.context ?? "", /^imported at tests\/test_imp\.py:2$/m);
  const own = byTest.get("tests/test_own.py");
  assert.deepEqual([own?.file, own?.line], ["tests/test_own.py", 1]);
});
