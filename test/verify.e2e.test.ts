// `slipway verify` as a user runs it: detection and checks on a real checkout in place, in a real
// sandbox, the exit code saying the outcome, the checkout left as it was, and bad input refused.
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { sandboxBackends } from "../src/sandbox/registry.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { addProject, git, makeRepo, tempDir } from "./helpers/git-fixture.ts";

const directories: string[] = [];
after(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const env = cliEnv({});

function repo(files: Record<string, string>): string {
  const directory = makeRepo(files);
  directories.push(directory);
  return directory;
}

function dataDir(): string {
  const directory = tempDir("verify-data");
  directories.push(directory);
  return directory;
}

const failingTest = [
  'import assert from "node:assert/strict";',
  'import { describe, test } from "node:test";',
  'import { add } from "../src/add.js";',
  'describe("add", () => {',
  '  test("adds negatives", () => {',
  "    assert.equal(add(-2, -3), -6);",
  "  });",
  "});",
  "",
].join("\n");

const failingProject = { ...addProject, "test/negative.test.js": failingTest };

function verify(args: string[], data = dataDir()) {
  return runCli(["--data-dir", data, "verify", ...args], { env, timeoutMs: 180_000 });
}

async function bwrapSkip(): Promise<string | undefined> {
  const availability = await sandboxBackends.get("bwrap")?.availability();
  return availability?.available
    ? undefined
    : `bwrap is not usable here: ${availability?.reason ?? "unknown"}`;
}

// Each test is a run (or runs) of its own: repository, data directory, model server. They run at once.
describe("slipway verify", { concurrency: true }, () => {
  test("a failing test in a bwrap sandbox: exit 4, the check and the test named, the checkout untouched", async (t) => {
    const skip = await bwrapSkip();
    if (skip) return t.skip(skip);
    const checkout = repo(failingProject);
    const head = git(checkout, "rev-parse", "HEAD");
    const result = await verify(["--repo", checkout, "--sandbox", "bwrap"]);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stdout, /^sandbox {5}bwrap$/m);
    assert.match(result.stdout, /^detected 1 check:\n {2}test {2}npm run test$/m);
    assert.match(result.stdout, /node: scripts run with npm \(no lockfile, so npm\)/);
    assert.match(result.stdout, /^✗ test \(.*\): 1 failing test$/m);
    assert.match(result.stdout, /test\/negative\.test\.js:6: add > adds negatives/);
    assert.match(result.stdout, /verification failed: 1 check ran at speed full/);
    assert.doesNotMatch(result.stdout, /adds two numbers/, "a passing test is not listed");
    assert.equal(git(checkout, "status", "--porcelain", "--ignored"), "");
    assert.equal(git(checkout, "rev-parse", "HEAD"), head);
  });

  test("a passing repository exits 0 and says every check passed", async () => {
    const result = await verify(["--repo", repo(addProject), "--sandbox", "none"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^✓ test \(/m);
    assert.match(result.stdout, /verification passed/);
    assert.match(result.stderr, /sandbox 'none'.*without isolation/);
  });

  test("--json prints the detected checks, notes and findings for machines", async () => {
    const result = await verify(["--repo", repo(failingProject), "--sandbox", "none", "--json"]);
    assert.equal(result.code, 4, result.stderr);
    const parsed = JSON.parse(result.stdout) as {
      sandbox: string;
      commands: { name: string }[];
      notes: string[];
      passed: boolean;
      results: { findings: { test?: string; line?: number }[] }[];
    };
    assert.equal(parsed.sandbox, "none");
    assert.deepEqual(
      parsed.commands.map((command) => command.name),
      ["test"],
    );
    assert.equal(parsed.passed, false);
    assert.deepEqual(
      parsed.results[0]?.findings.map(({ test: name, line }) => ({ name, line })),
      [{ name: "add > adds negatives", line: 6 }],
    );
  });

  test("--speed fast leaves out the full-only build, which --speed full runs", async () => {
    const checkout = repo({
      ...addProject,
      "package.json": JSON.stringify({
        name: "fixture",
        type: "module",
        scripts: { test: "node --test", build: 'node -e "process.exit(3)"' },
      }),
    });
    const fast = await verify(["--repo", checkout, "--sandbox", "none", "--speed", "fast"]);
    assert.equal(fast.code, 0, fast.stdout);
    assert.doesNotMatch(fast.stdout, /^✗ build/m);
    assert.match(fast.stdout, /build {2}npm run build {2}\[full only\]/);
    const full = await verify(["--repo", checkout, "--sandbox", "none"]);
    assert.equal(full.code, 4, full.stdout);
    assert.match(full.stdout, /^✗ build \(.*\): exit 3/m);
  });

  test("a repository with no checks fails, saying how to declare them", async () => {
    const result = await verify(["--repo", repo({ "README.md": "docs only\n" }), "--sandbox", "none"]);
    assert.equal(result.code, 4, result.stdout);
    assert.match(result.stdout, /detected 0 checks/);
    assert.match(
      result.stdout,
      /^no checks were detected or declared, .*declare them under verify\.commands in \.slipway\.yml, or set verify\.none: true/m,
    );
    assert.match(result.stdout, /verification failed: 0 checks ran/);
  });

  test("a repository that declares verify.none passes with no checks", async () => {
    const checkout = repo({ "README.md": "docs only\n", ".slipway.yml": "verify:\n  none: true\n" });
    const result = await verify(["--repo", checkout, "--sandbox", "none"]);
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /\.slipway\.yml declares that the repository has no checks/);
    assert.match(result.stdout, /verification passed: 0 checks ran/);
  });
});

describe("slipway verify refuses bad input with exit 2 and one line", () => {
  test("a directory that does not exist, before anything is written", async () => {
    const data = path.join(dataDir(), "never-made");
    const result = await verify(["--repo", "/nonexistent/slipway-checkout"], data);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr.trim(),
      "slipway: --repo /nonexistent/slipway-checkout does not exist; pass the directory of a checkout",
    );
    assert.equal(existsSync(data), false, "no data directory was created");
  });

  test("an unknown speed", async () => {
    const result = await verify(["--repo", repo(addProject), "--speed", "slow"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /argument 'slow' is invalid. Allowed choices are fast, full/);
  });

  test("an invalid .slipway.yml, named with its key", async () => {
    const checkout = repo({
      ...addProject,
      ".slipway.yml": "verify:\n  commands:\n    - { name: t, run: make, speed: slow }\n",
    });
    const result = await verify(["--repo", checkout, "--sandbox", "none"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^slipway: \.slipway\.yml: verify\.commands\.0\.speed/m);
  });

  test("an unknown sandbox backend", async () => {
    const result = await verify(["--repo", repo(addProject), "--sandbox", "chroot"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown sandbox backend "chroot"/);
  });
});
