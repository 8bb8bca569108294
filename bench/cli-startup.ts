// Benchmark: the CPU time (user + system) `slipway` takes to start and answer `--help`, `--version`
// and `runs`, from the built package as a user installs it, and from the TypeScript sources as a
// clone runs them, against `node -e 0` (node's own start-up). Each case runs interleaved with the
// others, round after round, so the machine's changing load weighs on all alike; the median is kept.
// Measured by /usr/bin/time (GNU time: the rusage of the finished child). `runs` lists a store of
// 20 finished runs, as a user's would. Prints a markdown table.
// Run: npm run build && node bench/cli-startup.ts [rounds=15]
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openSqliteStore } from "../src/store/sqlite/sqlite-store.ts";
import { makeRun, makeTask } from "../src/store/store-fixtures.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const rounds = Number(process.argv[2] ?? 15);
/** One start-up of the CLI never takes this long; a hung one fails the benchmark instead. */
const runTimeoutMs = 30_000;

if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1_000) {
  throw new Error(`rounds must be a whole number from 1 to 1000, not ${process.argv[2]}`);
}
if (!existsSync(path.join(root, "dist", "cli", "main.js"))) {
  throw new Error("no build in dist/: run `npm run build` first");
}
if (!existsSync("/usr/bin/time")) throw new Error("needs GNU time at /usr/bin/time (apt-get install time)");

/**
 * The package as installed: bin/ and package.json copied, dist/ and node_modules linked. With no
 * src/ beside it, bin/slipway.js runs the build, exactly as from an npm install.
 */
function installedLayout(directory: string): string {
  mkdirSync(path.join(directory, "bin"), { recursive: true });
  copyFileSync(path.join(root, "bin", "slipway.js"), path.join(directory, "bin", "slipway.js"));
  copyFileSync(path.join(root, "package.json"), path.join(directory, "package.json"));
  symlinkSync(path.join(root, "dist"), path.join(directory, "dist"));
  symlinkSync(path.join(root, "node_modules"), path.join(directory, "node_modules"));
  return path.join(directory, "bin", "slipway.js");
}

interface Sample {
  cpuMs: number;
  memoryMiB: number;
}

/** One run of `args` under GNU time: its user + system CPU and its peak resident memory. */
function measure(args: string[], work: string): Sample {
  const timesFile = path.join(work, "times");
  const result = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", timesFile, process.execPath, ...args], {
    // A fresh HOME: no user config is read; the data directory holds the store fillStore made.
    env: { PATH: process.env.PATH, HOME: path.join(work, "home"), SLIPWAY_DATA_DIR: path.join(work, "data") },
    stdio: "ignore",
    timeout: runTimeoutMs,
  });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed (exit ${result.status})`);
  const [user, system, kilobytes] = readFileSync(timesFile, "utf8").trim().split(/\s+/).slice(-3).map(Number);
  return { cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, memoryMiB: (kilobytes ?? 0) / 1024 };
}

/** The store `runs` reads: 20 finished runs of one task (`runs` never creates a store itself). */
async function fillStore(dataDir: string): Promise<void> {
  const store = await openSqliteStore(path.join(dataDir, "slipway.db"));
  try {
    const task = makeTask();
    await store.createTask(task);
    for (let index = 0; index < 20; index += 1) {
      const run = makeRun(task, index, { status: "finished", stage: "done", outcome: "success", turns: 4 });
      await store.createRun({ ...run, endedAt: new Date(Date.parse(run.startedAt) + 90_000).toISOString() });
    }
  } finally {
    await store.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const work = mkdtempSync(path.join(tmpdir(), "slipway-startup-"));
try {
  const built = installedLayout(path.join(work, "package"));
  mkdirSync(path.join(work, "home"));
  mkdirSync(path.join(work, "data"));
  await fillStore(path.join(work, "data"));
  const source = path.join(root, "bin", "slipway.js");
  const cases = [
    { label: "`node -e 0`", args: ["-e", "0"] },
    ...["--version", "--help", "runs"].flatMap((command) => [
      { label: `\`slipway ${command}\` (built package)`, args: [built, command] },
      { label: `\`slipway ${command}\` (sources, a clone)`, args: [source, command] },
    ]),
  ];
  // One unmeasured round first: it fills the compile cache and warms the file cache.
  for (const each of cases) measure(each.args, work);
  const samples = cases.map(() => [] as Sample[]);
  for (let round = 0; round < rounds; round += 1) {
    cases.forEach((each, index) => {
      samples[index]!.push(measure(each.args, work));
    });
  }
  const baseline = median(samples[0]!.map((sample) => sample.cpuMs));
  const lines = ["| command | CPU (median) | × `node -e 0` | peak memory (median) |", "|---|---|---|---|"];
  cases.forEach((each, index) => {
    const cpu = median(samples[index]!.map((sample) => sample.cpuMs));
    const memory = median(samples[index]!.map((sample) => sample.memoryMiB));
    lines.push(
      `| ${each.label} | ${cpu.toFixed(0)} ms | ${(cpu / baseline).toFixed(1)} | ${memory.toFixed(0)} MiB |`,
    );
  });
  process.stdout.write(`${rounds} rounds, node ${process.version}\n\n${lines.join("\n")}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
