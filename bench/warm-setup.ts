// Benchmark: warm dependency snapshots. Time from spawning `slipway run` to the agent's first model
// call on a Node project whose node_modules (installed from registry.npmjs.org) is large: cold (setup
// runs npm ci and saves a snapshot), warm (the snapshot is restored), the same project with setup
// off (no dependencies), and `git clone && npm ci` with an empty npm cache on the host (median of up
// to three: the registry's speed varies); and the disk the run's volume holds when the model is first
// called (warm minus setup off: disk added per warm run). The load average is printed before and after.
// Run: node bench/warm-setup.ts [warm repetitions] [docker]   (a markdown table; needs the registry;
// bwrap unless `docker` is given)
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startScriptedModelServer } from "../src/models/scripted-server/scripted-model-server.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { cliEnv, slipwayBin } from "../test/helpers/cli.ts";
import { testSandbox } from "../test/helpers/scripted-run.ts";
import { registryReach } from "../test/helpers/setup-project.ts";

const repetitions = Number(process.argv[2] ?? 3);
const onDocker = process.argv[3] === "docker";
const devDependencies = {
  next: "15.0.3",
  react: "18.3.1",
  "react-dom": "18.3.1",
  typescript: "5.6.3",
  vitest: "2.1.5",
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function run(cwd: string, argv: string[]): void {
  execFileSync(argv[0]!, argv.slice(1), { cwd, stdio: "ignore", timeout: 600_000 });
}

function makeProject(root: string): string {
  const repo = path.join(root, "project");
  execFileSync("mkdir", ["-p", repo]);
  writeFileSync(
    path.join(repo, "package.json"),
    JSON.stringify(
      { name: "bench-project", private: true, scripts: { test: "node --test" }, devDependencies },
      null,
      2,
    ),
  );
  writeFileSync(path.join(repo, ".gitignore"), "node_modules/\n");
  run(repo, ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"]);
  run(repo, ["git", "init", "--quiet", "--initial-branch=main"]);
  run(repo, ["git", "add", "-A"]);
  run(repo, ["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "--quiet", "-m", "bench"]);
  return repo;
}

/** Bytes in use on the run volumes mounted under `dataDir` (one run at a time here). */
function volumeBytes(dataDir: string): number {
  let used = 0;
  try {
    for (const name of readdirSync(path.join(dataDir, "volumes"))) {
      if (name.endsWith(".img")) continue;
      const stats = statfsSync(path.join(dataDir, "volumes", name));
      used += (stats.blocks - stats.bfree) * stats.bsize;
    }
  } catch {
    // No volume yet (or it went): nothing in use.
  }
  return used;
}

/** Milliseconds from spawning `slipway run` to the model server's first request, and the volume's bytes then. */
async function timeToFirstCall(
  repo: string,
  dataDir: string,
  config: string,
  sandbox: string,
): Promise<{ ms: number; bytes: number }> {
  const server = await startScriptedModelServer({
    script: { turns: [{ error: { status: 400, message: "bench: stop here" } }] },
  });
  const env = cliEnv({
    SLIPWAY_MODEL: "anthropic:bench",
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    ANTHROPIC_API_KEY: "k",
    SLIPWAY_SANDBOX: sandbox,
  });
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      slipwayBin,
      "--data-dir",
      dataDir,
      "--config",
      config,
      "run",
      "--repo",
      repo,
      "--task",
      `bench ${started}`,
    ],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  // The end of what the run printed to stderr, to say why when it never called the model.
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-2000);
  });
  let elapsed = Number.NaN;
  let bytes = 0;
  for (let waited = 0; waited < 600_000; waited += 5) {
    if (server.requests.length > 0) {
      elapsed = performance.now() - started;
      bytes = volumeBytes(dataDir);
      break;
    }
    if (child.exitCode !== null) break;
    await sleep(5);
  }
  await new Promise((resolve) =>
    child.exitCode !== null ? resolve(undefined) : child.once("close", resolve),
  );
  await server.close();
  if (Number.isNaN(elapsed)) throw new Error(`the run never called the model: ${stderr}`);
  return { ms: elapsed, bytes };
}

/** The setup-restore events of every run in `dataDir`: how long each restore took and how. */
function restores(dataDir: string, config: string): string[] {
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [slipwayBin, "--data-dir", dataDir, "--config", config, ...args], {
      encoding: "utf8",
      timeout: 60_000,
    });
  const found: string[] = [];
  for (const { id } of JSON.parse(cli("runs", "--json")) as { id: string }[]) {
    const { events } = JSON.parse(cli("show", id, "--json")) as {
      events: { type: string; data: Record<string, unknown> }[];
    };
    const restore = events.find((event) => event.type === "setup-restore")?.data;
    if (restore)
      found.push(
        `${restore.durationMs} ms (${restore.mode}${restore.fallback ? `: ${restore.fallback}` : ""})`,
      );
  }
  return found;
}

async function main(): Promise<void> {
  const reach = await registryReach();
  if (reach.skip) throw new Error(`needs registry.npmjs.org: ${reach.skip}`);
  if (onDocker) {
    const problem = await dockerTestSkipReason();
    if (problem) throw new Error(`no Docker engine: ${problem}`);
  }
  const sandbox = onDocker ? "docker" : await testSandbox();
  const loadBefore = loadavg().map((value) => value.toFixed(1));
  const scratch = mkdtempSync(path.join(tmpdir(), "slipway-bench-warm-"));
  const repo = makeProject(scratch);
  const dataDir = path.join(scratch, "data");
  execFileSync("mkdir", ["-p", dataDir]);
  const docker = onDocker ? { dockerImage: testImage, dockerHostToolchain: true } : {};
  const base = {
    judge: { enabled: false },
    sandbox: { egressAllowAddresses: reach.allowAddresses, ...docker },
  };
  const withSetup = path.join(scratch, "with-setup.json");
  const withoutSetup = path.join(scratch, "without-setup.json");
  writeFileSync(withSetup, JSON.stringify(base));
  writeFileSync(withoutSetup, JSON.stringify({ ...base, setup: { enabled: false } }));
  const cold = (await timeToFirstCall(repo, dataDir, withSetup, sandbox)).ms;
  const warm: number[] = [];
  const bare: number[] = [];
  const warmDisk: number[] = [];
  const bareDisk: number[] = [];
  for (let index = 0; index < repetitions; index++) {
    const warmRun = await timeToFirstCall(repo, dataDir, withSetup, sandbox);
    const bareRun = await timeToFirstCall(repo, dataDir, withoutSetup, sandbox);
    warm.push(warmRun.ms);
    bare.push(bareRun.ms);
    warmDisk.push(warmRun.bytes);
    bareDisk.push(bareRun.bytes);
  }
  const cloneInstalls: number[] = [];
  for (let index = 0; index < Math.min(3, repetitions); index++) {
    const clone = path.join(scratch, `clone-${index}`);
    const cache = path.join(scratch, `npm-cache-${index}`);
    const cloneStarted = performance.now();
    run(scratch, ["git", "clone", "--quiet", repo, clone]);
    run(clone, ["npm", "ci", "--no-audit", "--no-fund", "--cache", cache]);
    cloneInstalls.push(performance.now() - cloneStarted);
    rmSync(clone, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
  const cloneInstall = median(cloneInstalls);
  const snapshotBytes = execFileSync("du", ["-s", "-B1", path.join(dataDir, "snapshots")], {
    encoding: "utf8",
  });
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const loadAfter = loadavg().map((value) => value.toFixed(1));
  console.log(`load average (1, 5, 15 min): before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")}`);
  console.log(
    `sandbox ${sandbox}; node_modules snapshot ${(Number.parseInt(snapshotBytes, 10) / 1024 ** 2).toFixed(0)} MiB; warm: median of ${repetitions}\n`,
  );
  console.log("| to the first model call | time |\n|---|---|");
  console.log(`| cold (npm ci in setup, snapshot saved) | ${seconds(cold)} |`);
  const spread = (values: number[]) => `${seconds(Math.min(...values))}–${seconds(Math.max(...values))}`;
  console.log(`| warm (snapshot restored; ${spread(warm)}) | ${seconds(median(warm))} |`);
  console.log(`| same project, setup off (${spread(bare)}) | ${seconds(median(bare))} |`);
  console.log(
    `| git clone && npm ci (host, empty npm cache; median of ${cloneInstalls.length}: ${cloneInstalls.map(seconds).join(", ")}) | ${seconds(cloneInstall)} |`,
  );
  console.log(
    `\nwarm − setup off: ${seconds(median(warm) - median(bare))}; git clone && npm ci ÷ warm: ${(cloneInstall / median(warm)).toFixed(1)}×`,
  );
  console.log(`setup-restore in the warm runs' traces: ${restores(dataDir, withSetup).join(", ")}`);
  const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  console.log(
    `run volume in use at the first model call: warm ${mib(median(warmDisk))}, setup off ${mib(median(bareDisk))}; added per warm run ${mib(median(warmDisk) - median(bareDisk))}`,
  );
  // The snapshot, caches and data directory: about 1 GiB of scratch space.
  rmSync(scratch, { recursive: true, force: true });
}

await main();
