// Agent text, sandboxed programs' output and the repository's own text reach the user's terminal (logs, show, verify, runs, setup, run's live progress, error lines): escapes must not.
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../../src/store/store-fixtures.ts";
import { cliEnv, runCli } from "../helpers/cli.ts";
import { addProject, makeRepo, tempDir } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

const dataDir = tempDir("escapes");
let runId = "";
// OSC 52 writes the user's clipboard, OSC 0 sets the window title, CSI 2J clears the screen, \r
// overwrites a line, a bidi override reorders what the user reads.
const hostile = "done\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b]0;title\u0007\u001b[2J\rforged\u202eevil";

before(async () => {
  const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
  const task = makeTask({ text: `Fix it.${hostile}`, title: `Fix it.${hostile}` });
  await store.createTask(task);
  const run = makeRun(task, 0);
  await store.createRun(run);
  runId = run.id;
  const at = new Date().toISOString();
  await store.appendEvent({
    runId,
    at,
    stage: "agent",
    type: "tool-result",
    data: { id: "c1", name: "run_command", text: `exit 0\n${hostile}`, isError: false },
  });
  await store.appendEvent({
    runId,
    at,
    stage: "agent",
    type: "model-response",
    data: { turn: 1, text: hostile, toolCalls: [] },
  });
  await store.close();
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

function assertInert(stdout: string, shown = /forged/): void {
  assert.match(stdout, shown, "the text itself is shown");
  const unsafe = stdout.match(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu)?.filter((char) => char !== "\n");
  assert.deepEqual(unsafe ?? [], [], "no control or bidi character reaches the terminal");
}

test("slipway logs shows a tool result's and the model's escapes as inert text", async () => {
  const result = await runCli(["--data-dir", dataDir, "logs", runId], { env: cliEnv({}) });
  assert.equal(result.code, 0, result.stderr);
  assertInert(result.stdout);
});

test("slipway show shows the task's and the trace's escapes as inert text", async () => {
  const result = await runCli(["--data-dir", dataDir, "show", runId], { env: cliEnv({}) });
  assert.equal(result.code, 0, result.stderr);
  assertInert(result.stdout);
});

// A hostile repository's test names itself and fails with a full terminal reset (RIS) and a DCS
// string: the ANSI stripping before parsing removes colours (CSI) and OSC only. (A CI file's command
// or job name with control characters is refused by the CI reader: tried, not derived.)
const hostileTest = `import { test } from "node:test";
test("x\\u001bc\\u001bPq\\u001b\\\\ named", () => { throw new Error("boom\\u001bc\\u001b7 m"); });
`;

test("slipway verify shows a check's escapes as inert text", async () => {
  const repo = makeRepo({
    "package.json": JSON.stringify({ name: "f", scripts: { test: "node --test" } }),
    "test/a.test.mjs": hostileTest,
  });
  const data = tempDir("escapes-verify");
  try {
    const result = await runCli(["--data-dir", data, "verify", "--repo", repo, "--sandbox", "bwrap"], {
      env: cliEnv({}),
    });
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stdout, /boom/, result.stdout);
    assertInert(result.stdout, /named/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

test("slipway runs shows a task title's escapes as inert text", async () => {
  const result = await runCli(["--data-dir", dataDir, "runs"], { env: cliEnv({}) });
  assert.equal(result.code, 0, result.stderr);
  assertInert(result.stdout, /Fix it/);
});

test("slipway setup shows a package.json's escapes as inert text", async () => {
  const repo = makeRepo({
    "package.json": JSON.stringify({ name: "f", packageManager: "pnpm\u001b]0;title\u0007\u001bc" }),
  });
  const data = tempDir("escapes-setup");
  try {
    const result = await runCli(["--data-dir", data, "setup", "--repo", repo, "--dry-run"], {
      env: cliEnv({}),
    });
    assert.equal(result.code, 0, result.stderr);
    assertInert(result.stdout, /packageManager/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

// Errors reach stderr through main's one error line: a message quoting a path (here a directory
// whose name carries a screen clear, an OSC 52 clipboard write and a bare CR) printed them raw.
test("slipway run's error line shows a quoted path's escapes as inert text", async () => {
  const parent = tempDir("escapes-error");
  const directory = path.join(parent, `repo${hostile}`);
  mkdirSync(directory);
  try {
    const result = await runCli(
      ["--data-dir", path.join(parent, "data"), "run", "--repo", directory, "--task", "x"],
      {
        env: cliEnv({}),
      },
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /not a git repository/);
    assertInert(result.stderr);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test("slipway verify's error line shows a hostile .slipway.yml's escapes as inert text", async () => {
  // The declared command's first word is quoted by the error that refuses it.
  const repo = makeRepo({
    ".slipway.yml": 'verify:\n  commands:\n    - { name: t, run: "X=\\e[2J\\e]52;c;QQ==\\aforged true" }\n',
  });
  const data = tempDir("escapes-verify-config");
  try {
    const result = await runCli(["--data-dir", data, "verify", "--repo", repo], { env: cliEnv({}) });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /sets a variable/);
    assertInert(result.stderr);
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  }
});

// `slipway run`'s progress on stderr names the agent's paths, its commands' output and the model's
// error body as they happen; all three carry the escapes here.
test("slipway run's live progress shows an agent's path, output and model error as inert text", async () => {
  const setup = await setUpScriptedRun(
    {
      turns: [
        {
          toolCalls: [
            { name: "read_file", input: { path: `src/${hostile}.js` } },
            // Its output carries them (node -p prints the string the escapes in its source make).
            {
              name: "run_command",
              input: { command: String.raw`node -p '"out\u001b[2J\u001b]52;c;QQ==\u0007\rforged"'` },
            },
          ],
        },
        { error: { status: 400, message: `refused ${hostile}` } },
      ],
    },
    "anthropic",
  );
  const repo = makeRepo(addProject);
  try {
    const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "x"], {
      env: setup.env,
    });
    assert.equal(result.code, 11, result.stderr);
    assert.match(result.stderr, /read_file: file not found: src\/done/);
    assert.match(result.stderr, /✓ run_command: .*exit code 0 out/);
    assert.match(result.stderr, /model failed: .*refused done/);
    assertInert(result.stderr);
  } finally {
    await setup.server.close();
    rmSync(repo, { recursive: true, force: true });
    rmSync(setup.dataDir, { recursive: true, force: true });
  }
});
