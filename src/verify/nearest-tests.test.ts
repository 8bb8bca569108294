// The fast set narrowed to the tests nearest to the change, on real temp trees, and one real pytest
// run showing the unrelated failing test stays out of the fast run but not out of the full one.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { noneSandboxBackend } from "../sandbox/none/none-sandbox.ts";
import { changedGoPackages, narrowFastChecks, nearestPythonTests } from "./nearest-tests.ts";
import { runVerifiers } from "./run-verifiers.ts";
import type { VerifierCommand } from "./verifier.ts";

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "slipway-nearest-"));
  roots.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

const pytest: VerifierCommand = {
  name: "pytest",
  command: "python3",
  args: ["-m", "pytest", "-q"],
  cwd: ".",
  parser: "pytest",
  speeds: ["fast", "full"],
  timeoutMs: 60_000,
};

test("python: the changed module's tests and changed test files, nothing else", async () => {
  const root = tree({
    "src/invoice.py": "",
    "src/tax.py": "",
    "tests/test_invoice.py": "",
    "tests/test_tax.py": "",
    "tests/shipping_test.py": "",
  });
  assert.deepEqual(
    await nearestPythonTests(root, ["src/invoice.py", "tests/shipping_test.py", "README.md"]),
    ["tests/shipping_test.py", "tests/test_invoice.py"],
  );
  assert.deepEqual(await nearestPythonTests(root, ["src/gone.py", "README.md"]), []);
});

test("go: the packages of changed .go files that still exist", () => {
  const root = tree({ "go.mod": "module x\n", "calc/add.go": "", "main.go": "" });
  assert.deepEqual(changedGoPackages(root, ["calc/add.go", "main.go", "old/removed.go", "README.md"]), [
    ".",
    "./calc",
  ]);
});

test("narrowed checks: fast runs the nearest tests, full the whole suite; others stay as detected", async () => {
  const root = tree({ "src/invoice.py": "", "tests/test_invoice.py": "", "pkg/a.go": "" });
  const goTest: VerifierCommand = {
    ...pytest,
    name: "go-test",
    command: "go",
    args: ["test", "./..."],
    parser: "go",
    speeds: ["full"],
  };
  const npmTest: VerifierCommand = {
    ...pytest,
    name: "test",
    command: "npm",
    args: ["test"],
    parser: "generic",
  };
  const narrowed = await narrowFastChecks([pytest, goTest, npmTest], root, ["src/invoice.py", "pkg/a.go"]);
  assert.deepEqual(
    narrowed.map((command) => [command.name, command.args.join(" "), command.speeds.join(",")]),
    [
      ["pytest", "-m pytest -q", "full"],
      ["pytest (nearest)", "-m pytest -q tests/test_invoice.py", "fast"],
      ["go-test", "test ./...", "full"],
      ["go-test (nearest)", "test ./pkg", "fast"],
      ["test", "test", "fast,full"],
    ],
  );
  assert.deepEqual(await narrowFastChecks([pytest], root, ["README.md"]), [pytest]);
});

test("a real pytest run: the unrelated failing test is outside the fast run and inside the full one", async (t) => {
  const root = tree({
    "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["."]\n',
    "invoice.py": "def total(lines):\n    return sum(lines)\n",
    "tax.py": "def rate():\n    return 0.2\n",
    "tests/test_invoice.py":
      "from invoice import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
    "tests/test_tax.py": "from tax import rate\n\ndef test_rate():\n    assert rate() == 0.25\n",
  });
  const command = { ...pytest, args: ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", "."] };
  const sandbox = await noneSandboxBackend.create({
    worktree: root,
    allowHosts: [],
    memoryMb: 1024,
    maxProcesses: 64,
  });
  try {
    const probe = await sandbox.exec({
      command: "python3",
      args: ["-m", "pytest", "--version"],
      timeoutMs: 30_000,
      maxOutputBytes: 64 * 1024,
    });
    if (probe.exitCode !== 0) {
      t.skip("python3 -m pytest is not available here (apt-get install python3-pytest)");
      return;
    }
    const checks = await narrowFastChecks([command], root, ["invoice.py"]);
    const signal = AbortSignal.timeout(120_000);
    const fast = await runVerifiers(sandbox, checks, "fast", signal);
    const full = await runVerifiers(sandbox, checks, "full", signal);
    assert.equal(fast.passed, true, fast.summary);
    assert.equal(full.passed, false);
    assert.match(full.summary, /test_rate/);
  } finally {
    await sandbox.dispose();
  }
});
