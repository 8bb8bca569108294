// Benchmark: what Slipway's orchestration costs per run and how many runs per minute workers drain,
// with a scripted no-op agent (it calls finish at once), no checks (verify: none) and the judge off,
// so what is measured is the queue, the store, the workspace, the sandbox session and the trace.
// For SQLite and Postgres (started here on a temporary directory), 1, 2 and 4 `slipway worker
// --once` processes drain `runs` queued runs over 8 repositories. Prints markdown tables.
// Run: node bench/orchestration.ts [runs=24]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { SlipwayConfig } from "../src/config/config-schema.ts";
import { specOfRequest } from "../src/pipeline/start-run.ts";
import { specSettingsOf } from "../src/runs/run-spec-settings.ts";
import { submitRunSpec } from "../src/runs/submit-run-spec.ts";
import { openConfiguredStore } from "../src/store/open-store.ts";
import { startTestPostgres } from "../src/store/postgres/postgres-server-fixture.ts";
import { cliEnv, slipwayBin } from "../test/helpers/cli.ts";
import { makeRepo } from "../test/helpers/git-fixture.ts";
import { testSandbox } from "../test/helpers/scripted-run.ts";

const runs = Number(process.argv[2] ?? 24);
if (!Number.isInteger(runs) || runs < 4 || runs > 400) throw new Error("runs must be a whole number 4 … 400");
const workerCounts = [1, 2, 4];
const repoCount = 8;

const scratch = mkdtempSync(path.join(tmpdir(), "slipway-bench-orchestration-"));
const repos = Array.from({ length: repoCount }, () =>
  makeRepo({ "README.md": "# fixture\n", ".slipway.yml": "verify:\n  none: true\n" }),
);
const script = path.join(scratch, "finish.json");
writeFileSync(
  script,
  JSON.stringify([{ toolCalls: [{ name: "finish", input: { summary: "nothing to do" } }] }]),
);

interface Measure {
  store: string;
  workers: number;
  wallMs: number;
  /** Each run's span in its trace: first event (run-start) to run-end. */
  spansMs: number[];
  /** Per stage, each run's time from the previous stage's end (or run-start) to that stage's end. */
  stagesMs: Map<string, number[]>;
  /** One worker only: from a run's run-end to the next run's first event (claim, services, mirror, base). */
  gapsMs: number[];
}

/** Run `slipway <args>` to its end (bounded); rejects on a non-zero exit. */
function cli(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [slipwayBin, ...args], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 600_000,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`slipway ${args.join(" ")} exited ${code}: ${stderr}`)),
    );
  });
}

async function measure(
  name: string,
  store: Record<string, unknown>,
  storeEnv: Record<string, string>,
  workers: number,
): Promise<Measure> {
  const dataDir = mkdtempSync(path.join(scratch, `${name}-${workers}-`));
  const settings = {
    limits: { maxConcurrentRuns: 8, maxRunsPerRepository: 2 },
    queue: { leaseSeconds: 30, pollSeconds: 0.1 },
    judge: { enabled: false },
    sandbox: { backend: await testSandbox() },
    store,
  };
  const configFile = path.join(dataDir, "slipway.yaml");
  writeFileSync(configFile, JSON.stringify(settings));
  const config = SlipwayConfig.parse({ ...settings, model: `script:${script}` });
  const env = cliEnv({ ...storeEnv, SLIPWAY_MODEL: `script:${script}` });
  const app = { config, dataDir, env };
  const ids: string[] = [];
  for (let index = 0; index < runs; index++) {
    const request = {
      repo: repos[index % repoCount]!,
      taskText: `No-op ${name} ${workers} ${index}`,
      baseRef: "HEAD",
    };
    ids.push((await submitRunSpec(await specOfRequest(request, specSettingsOf(config)), app)).runId);
  }
  const args = ["--data-dir", dataDir, "--config", configFile, "worker", "--once", "--concurrency", "1"];
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, () => cli(args, env)));
  const wallMs = performance.now() - started;
  const opened = await openConfiguredStore(app);
  const spansMs: number[] = [];
  const stagesMs = new Map<string, number[]>();
  const bounds: { start: number; end: number }[] = [];
  try {
    for (const id of ids) {
      const run = await opened.getRun(id);
      if (run?.outcome !== "no_change")
        throw new Error(`run ${id} ended ${run?.outcome}: ${run?.outcomeDetail}`);
      const events = await opened.listEvents(id);
      spansMs.push(Date.parse(events.at(-1)!.at) - Date.parse(events[0]!.at));
      bounds.push({ start: Date.parse(events[0]!.at), end: Date.parse(events.at(-1)!.at) });
      let last = Date.parse(events[0]!.at);
      for (const event of events.filter((entry) => entry.type === "stage-end")) {
        const stage = String(event.data.stage);
        stagesMs.set(stage, [...(stagesMs.get(stage) ?? []), Date.parse(event.at) - last]);
        last = Date.parse(event.at);
      }
    }
  } finally {
    await opened.close();
  }
  bounds.sort((a, b) => a.start - b.start);
  const gapsMs = workers === 1 ? bounds.slice(1).map((bound, index) => bound.start - bounds[index]!.end) : [];
  return { store: name, workers, wallMs, spansMs, stagesMs, gapsMs };
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const loadBefore = loadavg()[0]!;
const results: Measure[] = [];
const postgres = await startTestPostgres();
try {
  for (const workers of workerCounts)
    results.push(await measure("sqlite", { backend: "sqlite" }, {}, workers));
  if ("skip" in postgres) console.log(`postgres skipped: ${postgres.skip}`);
  else {
    const store = { backend: "postgres", urlEnv: "SLIPWAY_BENCH_STORE_URL" };
    for (const workers of workerCounts)
      results.push(await measure("postgres", store, { SLIPWAY_BENCH_STORE_URL: postgres.url }, workers));
  }
} finally {
  if (!("skip" in postgres)) await postgres.stop();
  for (const dir of [scratch, ...repos]) rmSync(dir, { recursive: true, force: true });
}

console.log(
  `\n${runs} no-op runs over ${repoCount} repositories, sandbox ${await testSandbox()}, ${cpus().length} CPUs, node ${process.version}, load average ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after\n`,
);
console.log(
  "| store | workers | wall (s) | runs/min | run span median (ms) | run span p90 (ms) | wall per run (ms) |",
);
console.log("|---|---|---|---|---|---|---|");
for (const result of results) {
  const perMinute = (runs / result.wallMs) * 60_000;
  console.log(
    `| ${result.store} | ${result.workers} | ${(result.wallMs / 1000).toFixed(1)} | ${perMinute.toFixed(0)} | ${quantile(result.spansMs, 0.5).toFixed(0)} | ${quantile(result.spansMs, 0.9).toFixed(0)} | ${(result.wallMs / runs).toFixed(0)} |`,
  );
}

console.log(
  "\nWhere a run's time goes, one worker (median ms): between runs (a run-end to the next run's first event: claim, services, mirror, base), then each stage from the previous one's end:\n",
);
const single = results.filter((result) => result.workers === 1);
const stages = [...(single[0]?.stagesMs.keys() ?? [])];
console.log(`| store | between runs | ${stages.join(" | ")} |`);
console.log(`|---|---|${stages.map(() => "---").join("|")}|`);
for (const result of single)
  console.log(
    `| ${result.store} | ${quantile(result.gapsMs, 0.5).toFixed(0)} | ${stages.map((stage) => quantile(result.stagesMs.get(stage) ?? [0], 0.5).toFixed(0)).join(" | ")} |`,
  );
