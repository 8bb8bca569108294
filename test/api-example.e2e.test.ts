// The programmatic API: docs/api.md's example runs as written (its "slipway" import pointed at the
// source) against a fixture repository, the scripted model server playing the model; and the API's
// own answers to bad input and to a data directory with no runs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getRun, InputError, listRuns, submitRun } from "../src/index.ts";
import type { ModelScript } from "../src/models/scripted-server/script.ts";
import { makeRepo, tempDir } from "./helpers/git-fixture.ts";
import { setUpScriptedRun } from "./helpers/scripted-run.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const stringsTest = [
  'import assert from "node:assert/strict";',
  'import { test } from "node:test";',
  'import { add } from "../src/add.js";',
  'test("adds numeric strings", () => assert.equal(add("2", "3"), 5));',
  "",
].join("\n");
const script: ModelScript = {
  turns: [
    {
      toolCalls: [
        {
          name: "edit_file",
          input: { path: "src/add.js", oldText: "return a + b;", newText: "return Number(a) + Number(b);" },
        },
        { name: "create_file", input: { path: "test/strings.test.js", content: stringsTest } },
      ],
    },
    { toolCalls: [{ name: "verify", input: {} }] },
    { toolCalls: [{ name: "finish", input: { summary: "add() converts both arguments to numbers." } }] },
  ],
};

/** The one ```ts block of docs/api.md. */
function documentedExample(): string {
  const blocks = [...readFileSync(path.join(root, "docs/api.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)];
  assert.equal(blocks.length, 1, "docs/api.md has one example");
  return blocks[0]![1]!;
}

describe("the programmatic API", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  test("docs/api.md's example verifies, runs a task to success and reads the run back", async () => {
    const repo = makeRepo();
    const setup = await setUpScriptedRun(script, "anthropic");
    cleanups.push(
      () => setup.server.close(),
      () => rmSync(repo, { recursive: true, force: true }),
    );
    const program = documentedExample().replace(
      `from "slipway"`,
      `from ${JSON.stringify(path.join(root, "src/index.ts"))}`,
    );
    assert.notEqual(program, documentedExample(), 'the example imports from "slipway"');
    const file = path.join(setup.dataDir, "example.ts");
    writeFileSync(file, program);
    // The example finds the test's slipway.yaml (prices, judge off) as a project file in its directory.
    // Asynchronous: the scripted model server answers from this process while the example runs.
    const result = await promisify(execFile)(process.execPath, [file, repo], {
      cwd: setup.dataDir,
      env: { ...setup.env, SLIPWAY_DATA_DIR: setup.dataDir },
      encoding: "utf8",
      timeout: 180_000,
    });
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines[0], "before: checks pass");
    assert.match(lines[1]!, /^success: src\/add\.js, test\/strings\.test\.js on slipway\/\S+$/);
    const runId = /^run (\S+): success, (\d+) events$/.exec(lines[2]!);
    assert.ok(runId && Number(runId[2]) > 5, lines[2]);
    assert.equal(setup.server.remainingTurns(), 0, "every scripted turn was asked for");
    const run = await getRun(runId[1]!, { dataDir: setup.dataDir, env: {} });
    assert.equal(run?.outcome, "success");
  });

  test("bad input throws one InputError line before anything is written", async () => {
    const dataDir = path.join(tempDir("api"), "never-made");
    await assert.rejects(
      submitRun({ repo: ".", task: "   ", dataDir, env: {} }),
      (error: unknown) =>
        error instanceof InputError &&
        error.message === "submitRun: task: the task is empty: say the end state to reach",
    );
    await assert.rejects(
      getRun("abc", { dataDir, env: {} }),
      /getRun: give a run id or a prefix of at least 6/,
    );
    assert.deepEqual(await listRuns({ dataDir, env: {} }), []);
    assert.equal(existsSync(dataDir), false, "reading made no data directory");
  });
});
