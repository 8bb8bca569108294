// Attempts on the process and resource walls: a fork bomb, memory hogs, a full tmp, processes left
// behind, a command that never ends, an output flood, signals to host processes, a user namespace.
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { processAlive } from "../../src/core/process-alive.ts";
import { survivorsWith, uniqueSleepMarker } from "../../src/sandbox/sandbox.contract.ts";
import type { AttackRun } from "./attack-world.ts";
import { type Attempt, gist, nothingPlanted, plantedOnHost, plantName, platformCanSpawn } from "./attempt.ts";

/** An argument no other process on the machine has: a fork bomb's shells all carry it as $0. */
function bombMarker(): string {
  return `slipway-attack-marker-${randomBytes(6).toString("hex")}`;
}

const forkBomb: Attempt = {
  name: "fork bomb",
  async run({ sandbox, sh }) {
    const mark = bombMarker();
    const result = await sandbox.exec({
      command: "sh",
      // Every level waits for its children, so the tree only grows until forks fail.
      args: ["-c", "f() { f | f & wait; }; f", mark],
      timeoutMs: 15_000,
      maxOutputBytes: 64 * 1024,
    });
    const survivors = await survivorsWith(mark, 15_000);
    const alive = (await sh("echo alive")).stdout === "alive\n";
    const healthy = platformCanSpawn();
    const ending = result.timedOut
      ? "stopped at the time limit"
      : `ended with ${result.exitCode ?? result.signal}`;
    const refused = /fork|resource temporarily unavailable/i.test(result.output)
      ? "forks refused"
      : "no fork refused";
    const evidence = `${ending}; ${refused}; ${survivors.length} survivors; sandbox usable after: ${alive}`;
    return { blocked: survivors.length === 0 && healthy, evidence };
  },
};

/** The memory attempts' limit: the default 4096 would make the test touch 4 GiB before the wall bites. */
const hogLimitMb = 1024;

/** A node program that allocates (and touches) `chunks` × 64 MiB, printing how far it got. */
const hogProgram = (chunks: number) =>
  `const kept = []; let mib = 0;
   try { for (let i = 0; i < ${chunks}; i++) { kept.push(Buffer.alloc(64 * 2 ** 20, 1)); mib += 64; } console.log("allocated " + mib + " MiB"); }
   catch (e) { console.log("failed after " + mib + " MiB: " + e.message); process.exit(3); }`;

function ending(result: { exitCode: number | null; signal: string | null }): string {
  return result.exitCode === null ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
}

const allocateInOneProcess: Attempt = {
  name: "allocate 8 GiB in one process",
  limits: { memoryMb: hogLimitMb },
  async run({ node }) {
    const result = await node(hogProgram(128), { timeoutMs: 120_000 });
    // Our own time limit ending it proves nothing about the memory wall.
    if (result.timedOut)
      return { blocked: false, evidence: "inconclusive: still allocating at the time limit" };
    const blocked = !/allocated 8192 MiB/.test(result.stdout) && platformCanSpawn();
    return { blocked, evidence: `${ending(result)}; ${gist(result.output, 70)}` };
  },
};

const allocateAcrossProcesses: Attempt = {
  name: "exceed memoryMb with 4 processes (4 × 320 MiB over 1024)",
  limits: { memoryMb: hogLimitMb },
  async run({ sandbox }) {
    // Each holds 320 MiB (under the per-process limit), then waits up to 20 s for the other three.
    const hog = `${hogProgram(5).replace('console.log("allocated " + mib + " MiB");', "")}
      const fs = require("node:fs"); fs.writeFileSync("/tmp/held-" + process.argv[1], "");
      const started = Date.now();
      const timer = setInterval(() => {
        const held = fs.readdirSync("/tmp").filter((name) => name.startsWith("held-")).length;
        if (held >= 4 || Date.now() - started > 20000) { console.log(held >= 4 ? "all-held" : "held-alone"); clearInterval(timer); }
      }, 100);`;
    const result = await sandbox.exec({
      command: "sh",
      args: ["-c", 'for i in 1 2 3 4; do node -e "$1" "$i" & done; wait', "sh", hog],
      timeoutMs: 150_000,
      maxOutputBytes: 64 * 1024,
    });
    if (result.timedOut)
      return { blocked: false, evidence: "inconclusive: still allocating at the time limit" };
    const together = (result.stdout.match(/^all-held$/gm) ?? []).length;
    return {
      blocked: together < 4 && platformCanSpawn(),
      evidence: `${together} of 4 processes held 320 MiB at the same time; ${gist(result.output.replace(/^all-held\n/gm, ""), 50)}`,
    };
  },
};

const fillTmp: Attempt = {
  name: "fill tmp",
  async run({ sh, world }) {
    const name = plantName();
    const count = world.limits.memoryMb + 512;
    const result = await sh(`dd if=/dev/zero of=/tmp/${name} bs=1M count=${count} 2>&1; rm -f /tmp/${name}`, {
      timeoutMs: 120_000,
    });
    const written = Number(/^(\d+)\+\d+ records out/m.exec(result.output)?.[1] ?? 0);
    const planted = plantedOnHost([path.join(tmpdir(), name), `/tmp/${name}`]);
    if (planted.length > 0) return nothingPlanted(planted, result.output);
    const ended = result.exitCode === null ? `killed by ${result.signal}` : gist(result.output, 60);
    return {
      blocked: written < count && platformCanSpawn(),
      evidence: `${written} of ${count} MiB written; ${ended}`,
    };
  },
};

/** Start background processes four ways (setsid, nohup, double fork, a detached node child). */
async function startBackgroundProcesses(run: AttackRun, mark: string) {
  const script = [
    `setsid sleep ${mark} > /dev/null 2>&1 &`,
    `nohup sleep ${mark} > /dev/null 2>&1 &`,
    `( sleep ${mark} > /dev/null 2>&1 & ) &`,
    `node -e 'require("node:child_process").spawn("sleep", [process.argv[1]], { detached: true, stdio: "ignore" }).unref()' ${mark}`,
    "sleep 1; echo left-running",
  ].join("\n");
  return run.sh(script);
}

const backgroundAfterRun: Attempt = {
  name: "leave a background process after the run",
  async run(attack) {
    const mark = uniqueSleepMarker();
    const result = await startBackgroundProcesses(attack, mark);
    await attack.dispose();
    const survivors = await survivorsWith(mark, 10_000);
    return {
      blocked: survivors.length === 0,
      evidence: `${gist(result.output)}; ${survivors.length} left after dispose`,
    };
  },
};

const backgroundBetweenCommands: Attempt = {
  name: "leave a daemon running after its command",
  async run(attack) {
    const mark = uniqueSleepMarker();
    const result = await startBackgroundProcesses(attack, mark);
    const survivors = await survivorsWith(mark, 5_000);
    return {
      blocked: survivors.length === 0,
      evidence: `${gist(result.output)}; ${survivors.length} still running after the command`,
    };
  },
};

const runForever: Attempt = {
  name: "run past the time limit",
  async run({ sandbox }) {
    const mark = uniqueSleepMarker();
    const result = await sandbox.exec({
      command: "sh",
      args: ["-c", `sleep ${mark} & exec sleep ${mark}`],
      timeoutMs: 2_000,
      maxOutputBytes: 1024,
    });
    const survivors = await survivorsWith(mark, 10_000);
    return {
      blocked: result.timedOut && survivors.length === 0,
      evidence: `timed out: ${result.timedOut}; ${survivors.length} survivors`,
    };
  },
};

const floodOutput: Attempt = {
  name: "flood the output (100 MB)",
  async run({ sh }) {
    const result = await sh("head -c 100000000 /dev/zero | tr '\\0' x");
    const kept = Buffer.byteLength(result.output);
    return {
      blocked: result.truncated && kept <= 4 * 1024 * 1024,
      evidence: `kept ${kept} bytes, truncated: ${result.truncated}`,
    };
  },
};

const killEverything: Attempt = {
  name: "kill every process it can see",
  async run({ sh, world }) {
    const sleeper = world.hostSleeper.pid ?? 0;
    const result = await sh(
      `kill -9 ${sleeper} ${process.pid} ${process.ppid}; kill -9 1; kill -9 -1; echo done`,
    );
    const alive = processAlive(sleeper);
    return {
      blocked: alive,
      evidence: `host process ${alive ? "still alive" : "killed"}; ${gist(result.output)}`,
    };
  },
};

const userNamespace: Attempt = {
  name: "create a user namespace to regain capabilities",
  async run({ sh }) {
    const result = await sh("unshare -Ur sh -c 'echo uid=$(id -u); grep CapEff /proc/self/status'");
    const became = /^uid=0$/m.test(result.stdout);
    return { blocked: !became, evidence: gist(result.output) };
  },
};

export const resourceAttempts: Attempt[] = [
  forkBomb,
  allocateInOneProcess,
  allocateAcrossProcesses,
  fillTmp,
  backgroundAfterRun,
  backgroundBetweenCommands,
  runForever,
  floodOutput,
  killEverything,
  userNamespace,
];
