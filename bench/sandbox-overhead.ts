// Benchmark: what a sandbox costs per command and per run, for each backend — exec `true` and
// `node -e 0` against a direct spawn of the same command, and creating plus disposing a sandbox.
// Samples of all cases are interleaved (one of each per round) so a machine's changing load weighs
// on every case alike. Prints a markdown table and writes it, with method and machine, to
// docs/benchmarks-sandbox.md.
// Run: node bench/sandbox-overhead.ts [commands=50] [lifecycles=20]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, release, tmpdir } from "node:os";
import path from "node:path";
import { bwrapSandboxBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { connectEngine } from "../src/sandbox/docker/docker-engine.ts";
import { dockerSandboxBackend } from "../src/sandbox/docker/docker-sandbox.ts";
import { removeLeftoverContainers } from "../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { noneSandboxBackend } from "../src/sandbox/none/none-sandbox.ts";
import type { Sandbox, SandboxBackend, SandboxOptions } from "../src/sandbox/sandbox.ts";
import { sandboxEnvironment } from "../src/sandbox/sandbox-env.ts";
import { spawnCapped } from "../src/sandbox/spawn-capped.ts";

const loadAtStart = loadavg()
  .map((value) => value.toFixed(1))
  .join(" ");
const commandRuns = Number(process.argv[2] ?? 50);
const lifecycleRuns = Number(process.argv[3] ?? 20);
const labels = { "slipway.bench": `sandbox-overhead-${process.pid}` };
const outputFile = new URL("../docs/benchmarks-sandbox.md", import.meta.url);
const commands = [
  { label: "`true`", command: "true", args: [] as string[] },
  { label: "`node -e 0`", command: "node", args: ["-e", "0"] },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function check(result: { exitCode: number | null; output: string }, what: string): void {
  if (result.exitCode !== 0) throw new Error(`${what} failed: ${result.output}`);
}

/** The same command spawned on the host, through the same spawner the backends end in. */
function direct(worktree: string, command: string, args: string[]) {
  const env = sandboxEnvironment(path.join(worktree, ".home"), tmpdir());
  return spawnCapped({
    argv: [command, ...args],
    cwd: worktree,
    env,
    timeoutMs: 30_000,
    maxOutputBytes: 65_536,
  });
}

interface Subject {
  name: string;
  backend: SandboxBackend;
  /** The process space its commands ask for (see ExecRequest.processSpace). */
  processSpace: "command" | "run";
  /** Whether create and dispose are measured for it (once per backend). */
  lifecycle: boolean;
  sandbox?: Sandbox;
  skip?: string;
}

/** Each backend gets its own worktrees: docker hands a root-owned worktree to uid 1000 while it is open. */
function optionsIn(root: string, name: string): SandboxOptions {
  const worktree = path.join(root, name);
  mkdirSync(worktree);
  return { worktree, allowHosts: [], memoryMb: 2048, maxProcesses: 256 };
}

async function subjects(): Promise<Subject[]> {
  const bwrap = await bwrapSandboxBackend.availability();
  const dockerSkip = await dockerTestSkipReason();
  const bwrapSkip = bwrap.available ? undefined : bwrap.reason;
  return [
    { name: "bwrap", backend: bwrapSandboxBackend, processSpace: "run", lifecycle: true, skip: bwrapSkip },
    {
      name: "bwrap-own-space",
      backend: bwrapSandboxBackend,
      processSpace: "command",
      lifecycle: false,
      skip: bwrapSkip,
    },
    {
      name: "docker",
      backend: dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels }),
      processSpace: "run",
      lifecycle: true,
      skip: dockerSkip,
    },
    { name: "none", backend: noneSandboxBackend, processSpace: "run", lifecycle: true },
  ];
}

/** Samples per case name, one sample of every case per round. */
async function measure(root: string, live: Subject[]): Promise<Map<string, number[]>> {
  const worktree = optionsIn(root, "direct").worktree;
  const lifecycleOptions = new Map(
    live.map((subject) => [subject.name, optionsIn(root, `${subject.name}-lifecycle`)]),
  );
  const samples = new Map<string, number[]>();
  const add = (name: string, value: number) => samples.set(name, [...(samples.get(name) ?? []), value]);
  for (let round = 0; round < commandRuns; round++) {
    for (const { label, command, args } of commands) {
      add(`direct ${label}`, await timed(async () => check(await direct(worktree, command, args), "direct")));
      for (const subject of live) {
        const sandbox = subject.sandbox!;
        const request = {
          command,
          args,
          timeoutMs: 30_000,
          maxOutputBytes: 65_536,
          processSpace: subject.processSpace,
        };
        add(
          `${subject.name} ${label}`,
          await timed(async () => check(await sandbox.exec(request), subject.name)),
        );
      }
    }
    if (round < lifecycleRuns) {
      for (const subject of live.filter((each) => each.lifecycle)) {
        let opened: Sandbox | undefined;
        const options = lifecycleOptions.get(subject.name)!;
        add(
          `${subject.name} create`,
          await timed(async () => (opened = await subject.backend.create(options))),
        );
        add(`${subject.name} dispose`, await timed(async () => opened?.dispose()));
      }
    }
  }
  return samples;
}

function table(samples: Map<string, number[]>, all: Subject[]): string {
  const lines = [
    "| backend | exec `true` ms (direct) | overhead ms | ratio | exec `node -e 0` ms (direct) | overhead ms | ratio | create ms | dispose ms |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const subject of all) {
    if (subject.skip) {
      lines.push(`| ${subject.name} | not measured: ${subject.skip} ||||||||`);
      continue;
    }
    const cells = commands.flatMap(({ label }) => {
      const inside = median(samples.get(`${subject.name} ${label}`) ?? []);
      const host = median(samples.get(`direct ${label}`) ?? []);
      return [
        `${inside.toFixed(1)} (${host.toFixed(1)})`,
        (inside - host).toFixed(1),
        `${(inside / host).toFixed(2)}×`,
      ];
    });
    const lifecycle = ["create", "dispose"].map((step) =>
      subject.lifecycle ? median(samples.get(`${subject.name} ${step}`) ?? []).toFixed(1) : "as bwrap",
    );
    lines.push(`| ${subject.name} | ${cells.join(" | ")} | ${lifecycle.join(" | ")} |`);
  }
  return lines.join("\n");
}

async function machine(live: Subject[]): Promise<string> {
  const bwrap = await spawnCapped({
    argv: ["bwrap", "--version"],
    cwd: "/",
    env: { PATH: process.env.PATH ?? "" },
    timeoutMs: 10_000,
    maxOutputBytes: 1024,
  });
  const docker = live.some((subject) => subject.name === "docker")
    ? `Docker engine ${(await connectEngine().version()).Version}`
    : "no Docker engine";
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(" ");
  return `${availableParallelism()} CPUs (nproc), Linux ${release()}, Node ${process.version}, ${bwrap.stdout.trim() || "no bwrap"}, ${docker}; uid ${process.getuid?.()}; load average (1, 5, 15 min) at the start ${loadAtStart}, at the end ${load}`;
}

/** One line per target: the measured figure and whether it meets the target. */
function targetVerdicts(samples: Map<string, number[]>): string {
  const lines: string[] = [];
  const direct = median(samples.get("direct `true`") ?? []);
  for (const [name, what] of [
    ["bwrap", "agent commands, in the run's process space"],
    ["bwrap-own-space", "verification commands, each in a process space of its own"],
  ]) {
    const bwrap = samples.get(`${name} \`true\``);
    if (!bwrap) continue;
    const overhead = median(bwrap) - direct;
    lines.push(
      `- bwrap overhead (\`true\`, ${what}): ${overhead.toFixed(1)} ms — ${overhead < 10 ? "meets" : "misses"} the target here.`,
    );
  }
  const docker = samples.get("docker create");
  if (docker) {
    const ready = median(docker);
    lines.push(
      `- docker ready (create): ${ready.toFixed(0)} ms — ${ready < 1000 ? "meets" : "misses"} the target here.`,
    );
  }
  return lines.join("\n");
}

function report(tableText: string, machineText: string, verdicts: string, firsts: string): string {
  return `# Sandbox overhead

Measured by \`node bench/sandbox-overhead.ts ${commandRuns} ${lifecycleRuns}\` on ${new Date().toISOString().slice(0, 10)}.

${tableText}

How it was measured:
- **exec**: \`Sandbox.exec\` of \`true\` and of \`node -e 0\` in one open sandbox per backend (the worktree is
  an empty temp directory; memoryMb 2048, maxProcesses 256, no network), the median of ${commandRuns} runs. The
  direct figure is the same command spawned on the host through \`spawnCapped\` (the spawner every
  backend ends in: own process group, output capture) with the sandbox's environment; overhead is the
  difference of the medians and ratio their quotient. **bwrap** is the agent's commands
  (\`processSpace: "run"\`): they enter the sandbox's long-lived process space, where Slipway's
  command server (node, started once per sandbox at its first such command) spawns each one and
  ends what it leaves behind. **bwrap-own-space** is verification's commands (\`processSpace:
  "command"\`, the default): a fresh bwrap instance per command (namespaces, mounts, \`prlimit\`; as
  root also a move into the sandbox's pids cgroup), which nothing an earlier command started can
  reach. docker runs an exec in the sandbox's long-lived container through the engine's API, under
  the in-container wrapper, for both kinds; none spawns on the host.
- **create** (ready to run commands) and **dispose**: \`backend.create(options)\` then \`dispose()\` on a
  worktree of their own, the median of ${lifecycleRuns} runs each. bwrap's create checks the host (bwrap's version and
  a probe sandbox), writes the scratch \`/etc\` and, as root, makes the pids cgroup; docker's checks
  the image, creates and starts the container and runs the wrapper probe, on a warm local image
  (\`${testImage}\`, with the host toolchain mounted; one untimed round first); its dispose is the
  forced removal.
- Samples of every case are interleaved, one of each per round, so load that changes during the run
  weighs on all cases alike.

Machine: ${machineText}.

Targets, set when the sandboxes were designed: bwrap adds under 10 ms to each command; a docker sandbox is ready (created) in under 1 s on a warm image.
${verdicts}

Reading: a process start on the measuring machine costs what the direct \`true\` column shows. A
bwrap command in a space of its own starts several (bwrap, its pid-1 init, \`prlimit\`, and as root
a shell that moves bwrap into the sandbox's pids cgroup), so its overhead is a few process starts
plus the namespaces and mounts, and scales with what a process start costs on the machine. In the
shared space a command costs one process start, as on the host, plus a round trip over the
server's pipes and a look through the sandbox's /proc for leftovers. The shared space is started
by a sandbox's first agent command (bwrap, then node loading the command server), once per
sandbox; each backend's first command, one sample, after a warm-up create: ${firsts}.
`;
}

async function main(): Promise<void> {
  const all = await subjects();
  const live = all.filter((subject) => !subject.skip);
  const root = mkdtempSync(path.join(tmpdir(), "slipway-bench-overhead-"));
  const firsts: string[] = [];
  try {
    for (const subject of live) {
      const options = optionsIn(root, subject.name);
      // One untimed round first: the engine's and the kernel's caches are then warm.
      await (await subject.backend.create(options)).dispose();
      subject.sandbox = await subject.backend.create(options);
      // Timed once, outside the table: the first command, which starts bwrap's shared process space.
      const first = await timed(async () =>
        check(
          await subject.sandbox!.exec({
            command: "true",
            args: [],
            timeoutMs: 30_000,
            maxOutputBytes: 1024,
            processSpace: subject.processSpace,
          }),
          subject.name,
        ),
      );
      firsts.push(`${subject.name} ${first.toFixed(0)} ms`);
    }
    const samples = await measure(root, live);
    const text = table(samples, all);
    console.log(text);
    const firstsText = firsts.join(", ");
    console.log(`first commands: ${firstsText}`);
    writeFileSync(outputFile, report(text, await machine(live), targetVerdicts(samples), firstsText));
    console.log(`\nwritten to ${outputFile.pathname}`);
  } finally {
    for (const subject of live) await subject.sandbox?.dispose();
    if (live.some((subject) => subject.name === "docker"))
      await removeLeftoverContainers({ maxAgeMs: 0, labels });
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
