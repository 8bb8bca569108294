// go test with and without -v on the real go command (a two-package module made here): each
// failing test is named at its file and line, though Go before 1.21 prints only `x_test.go:7`,
// and with -v its log lines (printed before `--- FAIL:`) are kept.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { toVerifierResult } from "../run-verifiers.ts";
import type { VerifierCommand } from "../verifier.ts";

const hasGo = spawnSync("go", ["version"], { timeout: 10_000 }).status === 0;
const root = mkdtempSync(path.join(tmpdir(), "slipway-go-paths-"));
after(() => rmSync(root, { recursive: true, force: true }));

const files: Record<string, string> = {
  "go.mod": "module example.com/planted\n\ngo 1.19\n",
  "root_test.go":
    'package planted\n\nimport "testing"\n\nfunc TestRoot(t *testing.T) {\n\tt.Errorf("slipway planted")\n}\n',
  "sub/calc.go": "package sub\n\nfunc Add(a, b int) int { return a + b }\n",
  "sub/calc_test.go": [
    "package sub",
    "",
    'import "testing"',
    "",
    "func TestAdd(t *testing.T) {",
    "\tif Add(1, 2) != 4 {",
    '\t\tt.Errorf("Add(1, 2) = %d, want 4", Add(1, 2))',
    "\t}",
    "}",
    "",
    "func TestParent(t *testing.T) {",
    '\tt.Run("child", func(t *testing.T) {',
    '\t\tt.Log("some note")',
    '\t\tt.Errorf("child failed")',
    "\t})",
    "}",
    "",
    'func TestPasses(t *testing.T) { t.Log("fine") }',
    "",
  ].join("\n"),
};
for (const [name, text] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
  writeFileSync(path.join(root, name), text);
}

function goTest(args: string[]): string {
  const run = spawnSync("go", ["test", ...args, "./..."], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, GOFLAGS: "-count=1", GOTOOLCHAIN: "local", GOPROXY: "off" },
  });
  assert.equal(run.status, 1, run.stderr);
  return run.stdout + run.stderr;
}

function findingsOf(output: string, worktree = root, cwd = "."): unknown[] {
  const command: VerifierCommand = {
    name: "go-test",
    command: "go",
    args: ["test", "./..."],
    cwd,
    parser: "go",
    speeds: ["full"],
    timeoutMs: 60_000,
  };
  const execution = { exitCode: 1, signal: null, output, timedOut: false, truncated: false, durationMs: 1 };
  return toVerifierResult(command, execution, [worktree]).findings.map((finding) => ({
    test: finding.test,
    file: finding.file,
    line: finding.line,
    message: finding.message,
  }));
}

const expected = [
  { test: "example.com/planted.TestRoot", file: "root_test.go", line: 6, message: "slipway planted" },
  {
    test: "example.com/planted/sub.TestAdd",
    file: "sub/calc_test.go",
    line: 7,
    message: "Add(1, 2) = 3, want 4",
  },
  {
    test: "example.com/planted/sub.TestParent/child",
    file: "sub/calc_test.go",
    line: 13,
    message: "some note",
  },
];

test("go test -v and go test: the same failing tests, each at its file:line", {
  skip: hasGo ? false : "go is not installed here",
}, () => {
  assert.deepEqual(findingsOf(goTest(["-v"])), expected);
  assert.deepEqual(findingsOf(goTest([])), expected);
});

test("a bare file name is not placed where the file is a link, or outside the module", {
  skip: hasGo ? false : "go is not installed here",
}, () => {
  const output = goTest([]);
  const elsewhere = mkdtempSync(path.join(tmpdir(), "slipway-go-paths-link-"));
  try {
    writeFileSync(path.join(elsewhere, "go.mod"), "module example.com/other\n");
    // Another module's go.mod: its import paths do not match, nothing is named.
    const other = findingsOf(output, elsewhere) as { file?: string; message: string }[];
    assert.ok(other.every((finding) => finding.file === undefined));
    assert.match(other[0]!.message, /^root_test\.go:6: slipway planted$/);
    // Same module path, but root_test.go is a link to a file outside: not named.
    writeFileSync(path.join(elsewhere, "go.mod"), files["go.mod"]!);
    symlinkSync(path.join(root, "root_test.go"), path.join(elsewhere, "root_test.go"));
    const linked = findingsOf(output, elsewhere) as { file?: string }[];
    assert.equal(linked[0]!.file, undefined);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("a module in a folder of the repository (the check runs there): files are named from the repository's root once", {
  skip: hasGo ? false : "go is not installed here",
}, () => {
  const output = goTest([]);
  const repository = mkdtempSync(path.join(tmpdir(), "slipway-go-paths-nested-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repository, "services/api", name)), { recursive: true });
      writeFileSync(path.join(repository, "services/api", name), text);
    }
    const nested = expected.map((finding) => ({ ...finding, file: `services/api/${finding.file}` }));
    assert.deepEqual(findingsOf(output, repository, "services/api"), nested);
    // A check run one folder below the module's root finds the module above it.
    assert.deepEqual(findingsOf(output, repository, "services/api/sub"), nested);
  } finally {
    rmSync(repository, { recursive: true, force: true });
  }
});
