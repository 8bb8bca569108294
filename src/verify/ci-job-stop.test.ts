// Running CI-derived checks as the CI runs a job (issue 12): a job's later checks are not run once
// one failed (they would read stale build output), and a check whose program is not installed here
// says so, rather than "exit 127, output not parsed". Real make, sh and the none sandbox.
import assert from "node:assert/strict";
import { chmod } from "node:fs/promises";
import path from "node:path";
import { after, test } from "node:test";
import { detectVerifiers } from "./detect.ts";
import { runVerifiers } from "./run-verifiers.ts";
import { makeProject, missingProgram, removeProject, sandboxFor } from "./verify-fixtures.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const workflow = `jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
      - run: make test
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/lint.sh
  style:
    runs-on: ubuntu-latest
    env:
      TOXENV: style
    steps:
      - run: tox
`;

const files = {
  ".github/workflows/ci.yml": workflow,
  // The build fails; a test binary from an earlier build would still "fail" if make test ran.
  Makefile:
    "all:\n\t@echo 'main.c:3:1: error: expected declaration' >&2; exit 2\ntest:\n\t@echo 'stale test ran'; exit 1\n",
  "scripts/lint.sh": "#!/bin/sh\nslipway-absent-linter --strict .\n",
  "tox.ini": "[tox]\nenvlist = style\n[testenv:style]\ncommands = flake8 src\n",
};

test("a failed check stops its CI job; missing programs are said as not available here, and the report fails", {
  skip: missingProgram("make"),
}, async () => {
  const root = await makeProject(files);
  const sandbox = await sandboxFor(root);
  cleanups.push(
    () => sandbox.dispose(),
    () => removeProject(root),
  );
  await chmod(path.join(root, "scripts/lint.sh"), 0o755);
  const { commands } = await detectVerifiers(root);
  assert.deepEqual(
    commands.map((command) => command.name),
    ["make-all", "make-test", "scripts/lint.sh", "flake8"],
  );
  const report = await runVerifiers(sandbox, commands, "full", AbortSignal.timeout(60_000));
  assert.equal(report.passed, false);
  const byName = new Map(report.results.map((result) => [result.name, result]));
  assert.equal(byName.get("make-all")?.passed, false);
  const skipped = byName.get("make-test");
  assert.equal(skipped?.notRun, "make-all failed before it");
  assert.equal(skipped?.passed, false);
  assert.deepEqual(skipped?.findings, []);
  assert.doesNotMatch(report.summary, /stale test ran/);
  assert.match(report.summary, /^- make-test: not run: make-all failed before it$/m);
  // A script whose shell cannot find a program, and a check whose own program is missing.
  assert.equal(byName.get("scripts/lint.sh")?.unavailable, "slipway-absent-linter");
  assert.match(report.summary, /^✗ scripts\/lint\.sh: not available here: slipway-absent-linter$/m);
  if (missingProgram("flake8")) {
    assert.equal(byName.get("flake8")?.unavailable, "flake8");
    assert.match(
      report.summary,
      /not available here: flake8; install it in setup .*, or skip the check in \.slipway\.yml \(verify: \{ skip: \[flake8\] \}\)/,
    );
  }
  assert.doesNotMatch(report.summary, /output not parsed/);
});

test("verify.skip in .slipway.yml leaves out a check that is not available here; a name no check has is said", async () => {
  const root = await makeProject({
    ...files,
    ".slipway.yml": "verify:\n  skip: [flake8, scripts/lint.sh, no-such-check]\n",
  });
  cleanups.push(() => removeProject(root));
  const { commands, notes } = await detectVerifiers(root);
  assert.deepEqual(
    commands.map((command) => command.name),
    ["make-all", "make-test"],
  );
  assert.ok(notes.includes(".slipway.yml skips: flake8, scripts/lint.sh, no-such-check"));
  assert.ok(notes.includes(".slipway.yml: verify.skip names no check: no-such-check"));
});
