// Benchmark: time from `slipway run` start to the agent's first model call on the example
// repository, cold (empty data dir: the mirror is cloned) and warm (mirror cached).
// Run: node bench/first-model-call.ts [repetitions]   (prints a markdown table)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { prepareDemoRepository } from "../src/demo/prepare-demo-repo.ts";
import { startScriptedModelServer } from "../src/models/scripted-server/scripted-model-server.ts";
import { sandboxBackends } from "../src/sandbox/registry.ts";
import { cliEnv, slipwayBin } from "../test/helpers/cli.ts";

const repetitions = Number(process.argv[2] ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds from spawning `slipway run` to the model server receiving its first request. */
async function timeToFirstCall(repo: string, dataDir: string, sandbox: string): Promise<number> {
  // The scripted model answers with a 400, so the run ends right after the measured call.
  const server = await startScriptedModelServer({
    script: { turns: [{ error: { status: 400, message: "bench: stop here" } }] },
  });
  const config = path.join(dataDir, "bench.yaml");
  writeFileSync(config, "judge:\n  enabled: false\n");
  const env = cliEnv({
    SLIPWAY_MODEL: "anthropic:bench",
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    ANTHROPIC_API_KEY: "k",
    SLIPWAY_SANDBOX: sandbox,
  });
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [slipwayBin, "--data-dir", dataDir, "--config", config, "run", "--repo", repo, "--task", "bench"],
    { env, stdio: "ignore" },
  );
  let elapsed = Number.NaN;
  for (let waited = 0; waited < 60_000; waited += 1) {
    if (server.requests.length > 0) {
      elapsed = performance.now() - started;
      break;
    }
    await sleep(1);
  }
  await new Promise((resolve) => child.once("close", resolve));
  await server.close();
  if (Number.isNaN(elapsed)) throw new Error("the run never called the model");
  return elapsed;
}

async function main(): Promise<void> {
  const bwrap = await sandboxBackends.get("bwrap")?.availability();
  const sandbox = bwrap?.available ? "bwrap" : "none";
  const scratch = mkdtempSync(path.join(tmpdir(), "slipway-bench-"));
  const repo = await prepareDemoRepository(path.join(scratch, "repos"));
  const cold: number[] = [];
  const warm: number[] = [];
  for (let index = 0; index < repetitions; index++) {
    const dataDir = mkdtempSync(path.join(scratch, "data-"));
    cold.push(await timeToFirstCall(repo, dataDir, sandbox));
    warm.push(await timeToFirstCall(repo, dataDir, sandbox));
  }
  rmSync(scratch, { recursive: true, force: true });
  console.log(`| case | median ms | min ms | max ms | runs | sandbox |`);
  console.log(`|---|---|---|---|---|---|`);
  for (const [name, values] of [
    ["cold (no mirror)", cold],
    ["warm (mirror cached)", warm],
  ] as const) {
    console.log(
      `| ${name} | ${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${values.length} | ${sandbox} |`,
    );
  }
}

await main();
