// The unittest parser on the real `python -m unittest` (a project made here): each failing,
// erroring and subtest failure is named by its dotted id at the test file's line, and a module
// that fails to import at the line where it is broken.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { inferParser } from "../infer-parser.ts";
import { toVerifierResult } from "../run-verifiers.ts";

const hasPython = spawnSync("python3", ["--version"], { timeout: 10_000 }).status === 0;
const root = mkdtempSync(path.join(tmpdir(), "slipway-unittest-"));
after(() => rmSync(root, { recursive: true, force: true }));

const files: Record<string, string> = {
  "pkg/__init__.py": "def add(a, b):\n    return a + b\n\n\ndef ratio(a, b):\n    return a / b\n",
  "pkg/bad.py": "def broken(:\n    pass\n",
  "tests/__init__.py": "",
  "tests/test_misc.py": [
    "import unittest",
    "",
    "from pkg import add, ratio",
    "",
    "",
    "class TestMisc(unittest.TestCase):",
    "    def test_add(self):",
    "        self.assertEqual(add(1, 2), 4)",
    "",
    "    def test_ratio(self):",
    "        self.assertEqual(ratio(1, 0), 0)",
    "",
    "    def test_ok(self):",
    "        self.assertTrue(True)",
    "",
    "    def test_sub(self):",
    "        for n in (1, 2):",
    "            with self.subTest(n=n):",
    "                self.assertEqual(n, 1)",
    "",
  ].join("\n"),
  "tests/test_broken.py": "import unittest\n\nfrom pkg import missing_name\n",
  "tests/test_syntax.py": "import unittest\n\nimport pkg.bad\n",
};

test("python -m unittest: every failure at its file:line, with the exception as the message", {
  skip: hasPython ? false : "python3 is not installed here",
}, () => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  const run = spawnSync("python3", ["-m", "unittest"], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const command = {
    name: "unittest",
    command: "python",
    args: ["-m", "unittest"],
    cwd: ".",
    parser: inferParser("python -m unittest"),
    speeds: ["full" as const],
    timeoutMs: 60_000,
  };
  assert.equal(command.parser, "unittest");
  assert.equal(inferParser("coverage run -m unittest discover"), "unittest");
  const execution = { exitCode: 1, signal: null, output: run.stderr, timedOut: false, truncated: false };
  const result = toVerifierResult(command, { ...execution, durationMs: 1 }, [root]);
  const found = result.findings.map(({ test, file, line, message }) => ({ test, file, line, message }));
  const byTest = (a: { test?: string }, b: { test?: string }) => (a.test ?? "").localeCompare(b.test ?? "");
  assert.deepEqual(found.sort(byTest), [
    {
      test: "tests.test_broken",
      file: "tests/test_broken.py",
      line: 3,
      message: "ImportError: cannot import name 'missing_name' from 'pkg' (pkg/__init__.py)",
    },
    {
      test: "tests.test_misc.TestMisc.test_add",
      file: "tests/test_misc.py",
      line: 8,
      message: "AssertionError: 3 != 4",
    },
    {
      test: "tests.test_misc.TestMisc.test_ratio",
      file: "tests/test_misc.py",
      line: 11,
      message: "ZeroDivisionError: division by zero",
    },
    {
      test: "tests.test_misc.TestMisc.test_sub (n=2)",
      file: "tests/test_misc.py",
      line: 19,
      message: "AssertionError: 2 != 1",
    },
    { test: "tests.test_syntax", file: "pkg/bad.py", line: 1, message: "SyntaxError: invalid syntax" },
  ]);
  const ratio = result.findings.find((finding) => finding.test?.endsWith("test_ratio"));
  assert.match(ratio?.context ?? "", /^raised at pkg\/__init__\.py:6$/m);
  assert.equal(result.unparsed, false);
  assert.match(result.summary, /: 5 failing tests$/);
});
