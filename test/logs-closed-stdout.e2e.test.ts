// `slipway logs RUN | head`: the reader closes stdout after a few lines; the command stops quietly
// (exit 0, no EPIPE stack trace), with or without -f.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../src/store/store-fixtures.ts";
import { cliEnv, slipwayBin } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

const dataDir = tempDir("logs-closed");
let runId = "";

before(async () => {
  mkdirSync(dataDir, { recursive: true });
  const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
  const task = makeTask();
  await store.createTask(task);
  const run = makeRun(task, 0);
  await store.createRun(run);
  runId = run.id;
  // Far more than a pipe holds (64 KiB), so writes go on after the reader has gone.
  const text = "x".repeat(400);
  for (let turn = 1; turn <= 600; turn++) {
    await store.appendEvent({
      runId,
      at: new Date().toISOString(),
      stage: "agent",
      type: "model-response",
      data: { turn, text, toolCalls: [] },
    });
  }
  await store.close();
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Run `slipway logs`, close its stdout after the first chunk, and wait (bounded) for it to exit. */
function logsUntilReaderCloses(extra: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [slipwayBin, "--data-dir", dataDir, "logs", ...extra, runId], {
      env: cliEnv({}),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`slipway logs did not stop after its reader closed; stderr: ${stderr}`));
    }, 30_000);
    child.stdout.once("data", () => child.stdout.destroy());
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

for (const extra of [[], ["-f"]]) {
  test(
    `slipway logs ${extra.join(" ")} stops quietly when its reader closes stdout`.replace("  ", " "),
    async () => {
      const result = await logsUntilReaderCloses(extra);
      assert.equal(result.stderr, "", "no stack trace, no error line");
      assert.equal(result.code, 0);
    },
  );
}
