// Benchmark: the docker sandbox's costs on a warm image — creating and disposing a sandbox, and the
// overhead of one command (`true`, `node -e 0`) compared with spawning it directly on the host.
// Run: node bench/sandbox-docker.ts [lifecycles] [commands]   (prints a markdown table)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { dockerSandboxBackend } from "../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import type { Sandbox } from "../src/sandbox/sandbox.ts";

const lifecycles = Number(process.argv[2] ?? 10);
const commands = Number(process.argv[3] ?? 30);
const labels = { "slipway.bench": `sandbox-docker-${process.pid}` };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timed(action: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

async function repeat(times: number, action: () => Promise<unknown> | unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < times; index++) samples.push(await timed(action));
  return samples;
}

async function execOnce(sandbox: Sandbox, command: string, args: string[]): Promise<void> {
  const result = await sandbox.exec({ command, args, timeoutMs: 30_000, maxOutputBytes: 65_536 });
  if (result.exitCode !== 0) throw new Error(`${command} failed in the sandbox: ${result.output}`);
}

function hostOnce(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: "ignore" });
  if (result.status !== 0) throw new Error(`${command} failed on the host`);
}

async function main(): Promise<void> {
  const skip = await dockerTestSkipReason();
  if (skip) throw new Error(skip);
  const backend = dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels });
  const worktree = mkdtempSync(path.join(tmpdir(), "slipway-bench-docker-"));
  const options = { worktree, allowHosts: [], memoryMb: 2048, maxProcesses: 256 };
  const rows: [string, number[]][] = [];
  try {
    // One untimed round first: the engine's caches (image layers, mounts) are then warm.
    await (await backend.create(options)).dispose();
    rows.push([
      "create + dispose",
      await repeat(lifecycles, async () => (await backend.create(options)).dispose()),
    ]);
    const sandbox = await backend.create(options);
    try {
      const node = process.execPath;
      await execOnce(sandbox, "true", []);
      rows.push(["exec `true` (docker)", await repeat(commands, () => execOnce(sandbox, "true", []))]);
      rows.push(["spawn `true` (host)", await repeat(commands, () => hostOnce("true", []))]);
      rows.push([
        "exec `node -e 0` (docker)",
        await repeat(commands, () => execOnce(sandbox, "node", ["-e", "0"])),
      ]);
      rows.push(["spawn `node -e 0` (host)", await repeat(commands, () => hostOnce(node, ["-e", "0"]))]);
    } finally {
      await sandbox.dispose();
    }
  } finally {
    await removeLeftoverContainers({ maxAgeMs: 0, labels });
    rmSync(worktree, { recursive: true, force: true });
  }
  console.log("| case | median ms | min ms | max ms | runs |");
  console.log("|---|---|---|---|---|");
  for (const [name, values] of rows) {
    const cells = [median(values), Math.min(...values), Math.max(...values)].map((value) => value.toFixed(1));
    console.log(`| ${name} | ${cells.join(" | ")} | ${values.length} |`);
  }
}

await main();
