// End to end: three worker processes drain 60 queued runs on six repositories from one SQLite store,
// each run executed exactly once (one claim, one run-start, one run-end), none left queued or
// running, and never two runs of one repository at once (limits.maxRunsPerRepository: 1).
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { SlipwayConfig } from "../../src/config/config-schema.ts";
import { specOfRequest } from "../../src/pipeline/start-run.ts";
import { specSettingsOf } from "../../src/runs/run-spec-settings.ts";
import { submitRunSpec } from "../../src/runs/submit-run-spec.ts";
import { openConfiguredStore } from "../../src/store/open-store.ts";
import { startTestPostgres } from "../../src/store/postgres/postgres-server-fixture.ts";
import { cliEnv, runCli } from "../helpers/cli.ts";
import { makeRepo, tempDir } from "../helpers/git-fixture.ts";
import { testSandbox } from "../helpers/scripted-run.ts";

const runCount = 60;
const workers = 3;

const dataDirs = [tempDir("drain-sqlite"), tempDir("drain-postgres")];
const repos = Array.from({ length: 6 }, () =>
  makeRepo({ "README.md": "# fixture\n", ".slipway.yml": "verify:\n  none: true\n" }),
);
after(() => {
  for (const dir of [...dataDirs, ...repos]) rmSync(dir, { recursive: true, force: true });
});

/** Drain `runCount` runs with the store `store` (SQLite in `dataDir`, or Postgres through `env`). */
async function drain(
  dataDir: string,
  store: Record<string, unknown>,
  env: Record<string, string>,
): Promise<void> {
  // A no-op agent (it finishes at once): the test is about the queue, not the pipeline's work.
  const script = path.join(dataDir, "finish.yaml");
  writeFileSync(
    script,
    JSON.stringify([{ toolCalls: [{ name: "finish", input: { summary: "nothing to do" } }] }]),
  );
  const settings = {
    limits: { maxConcurrentRuns: 6, maxRunsPerRepository: 1 },
    queue: { leaseSeconds: 20, pollSeconds: 0.1 },
    judge: { enabled: false },
    sandbox: { backend: await testSandbox() },
    store,
  };
  const configFile = path.join(dataDir, "slipway.yaml");
  writeFileSync(configFile, JSON.stringify(settings));
  const config = SlipwayConfig.parse({ ...settings, model: `script:${script}` });
  const app = { config, dataDir, env: cliEnv(env) };
  const submitted = new Set<string>();
  const submit = async (index: number): Promise<void> => {
    const request = { repo: repos[index % repos.length]!, taskText: `No-op task ${index}`, baseRef: "HEAD" };
    submitted.add((await submitRunSpec(await specOfRequest(request, specSettingsOf(config)), app)).runId);
  };
  // Ten at a time: intake from many clients at once is part of what the store must take.
  for (let first = 0; first < runCount; first += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, offset) => submit(first + offset)));
  }
  assert.equal(submitted.size, runCount);

  const args = ["--data-dir", dataDir, "--config", configFile, "worker", "--once", "--concurrency", "2"];
  const results = await Promise.all(
    Array.from({ length: workers }, () => runCli(args, { env: cliEnv(env), timeoutMs: 240_000 })),
  );
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const finishedPerWorker = results.map((result) =>
    Number(/(\d+) run\(s\) finished/.exec(result.stderr)?.[1]),
  );
  assert.equal(
    finishedPerWorker.reduce((sum, count) => sum + count, 0),
    runCount,
    `every run finished by exactly one worker:\n${results
      .map((result) =>
        result.stderr
          .split("\n")
          .filter((line) => !/started|no_change/.test(line))
          .join("\n"),
      )
      .join("\n---\n")}`,
  );

  const opened = await openConfiguredStore(app);
  const spans = new Map<string, { start: number; end: number }[]>();
  try {
    for (const runId of submitted) {
      const run = (await opened.getRun(runId))!;
      assert.deepEqual(
        [run.status, run.outcome, run.attempt],
        ["finished", "no_change", 1],
        `${runId}: ${run.outcomeDetail}`,
      );
      const types = (await opened.listEvents(runId)).map((event) => event.type);
      assert.equal(types.filter((type) => type === "run-start").length, 1, runId);
      assert.equal(types.filter((type) => type === "run-end").length, 1, runId);
      assert.equal(types.includes("run-attempt"), false, runId);
      const trace = await opened.listEvents(runId);
      const repo = (await opened.getTask(run.taskId))!.repo;
      const span = { start: Date.parse(trace[0]!.at), end: Date.parse(trace.at(-1)!.at) };
      spans.set(repo, [...(spans.get(repo) ?? []), span]);
    }
    for (const [repo, list] of spans) {
      const sorted = list.sort((a, b) => a.start - b.start);
      for (let index = 1; index < sorted.length; index++) {
        assert.ok(sorted[index]!.start >= sorted[index - 1]!.end, `two runs of ${repo} at once`);
      }
    }
  } finally {
    await opened.close();
  }
}

// SQLite and Postgres at once: each scenario has its own data directory, store and model server.
describe("on SQLite and on Postgres", { concurrency: true }, () => {
  test(`${workers} workers drain ${runCount} queued runs on SQLite, each executed exactly once`, async () => {
    await drain(dataDirs[0]!, { backend: "sqlite" }, {});
  });

  test(`${workers} workers drain ${runCount} queued runs on Postgres, each executed exactly once`, async (t) => {
    const server = await startTestPostgres();
    if ("skip" in server) {
      console.log(`# skipped: ${server.skip}`);
      t.skip(server.skip);
      return;
    }
    try {
      await drain(
        dataDirs[1]!,
        { backend: "postgres", urlEnv: "SLIPWAY_TEST_STORE_URL" },
        { SLIPWAY_TEST_STORE_URL: server.url },
      );
    } finally {
      await server.stop();
    }
  });
});
