// Attempts on the resource walls: more processes than the cap, more memory than the limit (in one
// process and across several), a /tmp filled past its size, an output flood, a user namespace.
// Each proves its own wall: the attempt is shown to get going (below the cap, a small allocation,
// a small file) before the part that must be refused.
import { tmpdir } from "node:os";
import path from "node:path";
import { survivorsWith, uniqueSleepMarker } from "../../src/sandbox/sandbox.contract.ts";
import {
  type Attempt,
  blocked,
  breached,
  gist,
  inconclusive,
  notRun,
  plantedOnHost,
  plantName,
  platformCanSpawn,
} from "./attempt.ts";

/** The process cap of the fork attempt: small, so that twice as many forks stay cheap. */
const forkCap = 64;

const forkBomb: Attempt = {
  name: `fork past maxProcesses (${forkCap / 4} start, ${forkCap * 2} are refused)`,
  proves: "process-cap",
  limits: { maxProcesses: forkCap },
  async run({ sh }) {
    // A sleep duration nothing else uses: `sleep 600 <word>` would fail at once and prove nothing.
    const mark = uniqueSleepMarker();
    // Bounded: a fixed number of sleeps, each killed again; dash stops at the first fork it is refused.
    const batch = (count: number, label: string) =>
      `pids=""; for i in $(seq ${count}); do sleep ${mark} & pids="$pids $!"; done; echo ${label}; kill $pids; wait`;
    const result = await sh(`${batch(forkCap / 4, "below-ok")}\n${batch(forkCap * 2, "above-ok")}`, {
      timeoutMs: 60_000,
    });
    const survivors = await survivorsWith(mark, 15_000);
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    const refused = /fork|resource temporarily unavailable/i.test(result.output);
    if (survivors.length > 0 || /^above-ok$/m.test(result.stdout) || !platformCanSpawn())
      return breached(
        `${forkCap * 2} processes started under a cap of ${forkCap}; ${survivors.length} survivors`,
      );
    if (!/^below-ok$/m.test(result.stdout))
      return inconclusive(`not even ${forkCap / 4} started: ${gist(result.output)}`);
    if (result.timedOut || !refused) return inconclusive(`no fork was refused: ${gist(result.output)}`);
    return blocked(
      `${forkCap / 4} started; past the cap: ${gist(result.output.replace(/^below-ok\n/m, ""), 60)}`,
    );
  },
};

/** The memory attempts' limit: the default 4096 would make the test touch 4 GiB before the wall bites. */
const hogLimitMb = 1024;

/** A node program that allocates (and touches) `chunks` × 64 MiB, printing how far it got. */
const hogProgram = (chunks: number) =>
  `const kept = []; let mib = 0;
   try { for (let i = 0; i < ${chunks}; i++) { kept.push(Buffer.alloc(64 * 2 ** 20, 1)); mib += 64; } console.log("allocated " + mib + " MiB"); }
   catch (e) { console.log("failed after " + mib + " MiB: " + e.message); process.exit(3); }`;

const allocateInOneProcess: Attempt = {
  name: `allocate twice memoryMb (${hogLimitMb * 2} MiB over ${hogLimitMb}) in one process`,
  proves: "memory-cap",
  limits: { memoryMb: hogLimitMb },
  async run({ node }) {
    const result = await node(hogProgram((hogLimitMb * 2) / 64), { timeoutMs: 120_000 });
    if (/^allocated /m.test(result.stdout)) return breached(`${gist(result.stdout)} under ${hogLimitMb}`);
    // Node started (it printed the nonce): what ended it is the allocation's own failure or not.
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    if (result.timedOut) return inconclusive("still allocating at the time limit");
    const failed = /^failed after (\d+) MiB/m.exec(result.stdout);
    if (failed) return blocked(`the allocation failed after ${failed[1]} MiB: ${gist(result.stdout, 60)}`);
    if (result.signal === "SIGKILL" || result.exitCode === 137)
      return blocked(`killed while allocating (the memory cgroup's OOM kill)`);
    return inconclusive(
      `ended otherwise (exit ${result.exitCode ?? result.signal}): ${gist(result.output, 60)}`,
    );
  },
};

const allocateAcrossProcesses: Attempt = {
  name: "exceed memoryMb with 4 processes (4 × 320 MiB over 1024)",
  proves: "memory-cap",
  limits: { memoryMb: hogLimitMb },
  async run({ sh }) {
    // Each holds 320 MiB (under the per-process limit), then waits until each of the other three
    // holds too or has failed (killed by the cgroup, or its allocation refused: it never will), at
    // most 20 s. Without the cap none fails, so all four wait for each other and hold at once; with
    // it, the others need not wait out the 20 s. A process that decides exits 0: no ended- file.
    const hog = `${hogProgram(5).replace('console.log("allocated " + mib + " MiB");', 'console.log("holding");')}
      const fs = require("node:fs"); fs.writeFileSync("/tmp/held-" + process.argv[1], "");
      const started = Date.now();
      const timer = setInterval(() => {
        const names = fs.readdirSync("/tmp");
        const held = names.filter((name) => name.startsWith("held-")).length;
        const ended = names.filter((name) => name.startsWith("ended-")).length;
        const settled = [1, 2, 3, 4].every((i) => names.includes("held-" + i) || names.includes("ended-" + i));
        if (settled || Date.now() - started > 20000) { console.log(held >= 4 && ended === 0 ? "all-held" : "held-alone"); clearInterval(timer); }
      }, 100);`;
    const result = await sh(
      `for i in 1 2 3 4; do (node -e "$HOG" "$i" || : > "/tmp/ended-$i") & done; wait`,
      {
        timeoutMs: 150_000,
        env: { HOG: hog },
      },
    );
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    if (result.timedOut) return inconclusive("still allocating at the time limit");
    const holding = (result.stdout.match(/^holding$/gm) ?? []).length;
    const together = (result.stdout.match(/^all-held$/gm) ?? []).length;
    if (together >= 4) return breached(`all 4 held 320 MiB at once under ${hogLimitMb}`);
    if (holding === 0) return inconclusive(`no process got its 320 MiB: ${gist(result.output)}`);
    if (!platformCanSpawn()) return breached("the platform cannot start a process");
    return blocked(`${holding} got 320 MiB, ${together} of 4 held it at once`);
  },
};

const fillTmp: Attempt = {
  name: "fill tmp past its size (1536 MiB into a 1024 MiB /tmp)",
  proves: "tmpfs-size",
  // /tmp is sized memoryMb; fallocate asks for the whole size at once, which tmpfs refuses by its
  // size alone (ENOSPC) before any page is charged to the memory cgroup. The file-size limit is
  // raised above the request so that it is the tmpfs size, not RLIMIT_FSIZE (EFBIG), that refuses.
  limits: { memoryMb: hogLimitMb, maxFileMb: 4 * hogLimitMb },
  async run({ sh }) {
    const name = plantName();
    const size = hogLimitMb + 512;
    const result = await sh(
      `fallocate -l 16M /tmp/${name}-control && echo control-ok; fallocate -l ${size}M /tmp/${name} && echo filled; rm -f /tmp/${name}*`,
      { timeoutMs: 120_000 },
    );
    const planted = plantedOnHost([path.join(tmpdir(), name), `/tmp/${name}`, `/tmp/${name}-control`]);
    if (planted.length > 0) return breached(`written on the host: ${planted.join(", ")}`);
    if (/^filled$/m.test(result.stdout)) return breached(`${size} MiB went into /tmp`);
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    if (!/^control-ok$/m.test(result.stdout))
      return inconclusive(`not even 16 MiB went into /tmp: ${gist(result.output)}`);
    if (/no space left on device/i.test(result.output))
      return blocked(`16 MiB fit; ${gist(result.output, 70)}`);
    return breached(`the tmpfs size did not refuse it (another limit did): ${gist(result.output, 60)}`);
  },
};

const floodOutput: Attempt = {
  name: "flood the output (100 MB)",
  proves: "platform",
  async run({ sh }) {
    const result = await sh("head -c 100000000 /dev/zero | tr '\\0' x");
    const kept = Buffer.byteLength(result.output);
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    if (kept > 4 * 1024 * 1024 || !result.truncated)
      return breached(`kept ${kept} bytes, truncated: ${result.truncated}`);
    if (kept < 1024 * 1024) return inconclusive(`only ${kept} bytes came out: the flood never flowed`);
    return blocked(`kept ${kept} bytes of 100 MB, truncated`);
  },
};

const userNamespace: Attempt = {
  name: "create a user namespace to regain capabilities",
  proves: "userns",
  async run({ sh }) {
    const result = await sh("unshare -Ur sh -c 'echo uid=$(id -u); grep CapEff /proc/self/status'");
    if (/^uid=0$/m.test(result.stdout)) return breached(gist(result.output));
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    if (!/unshare/.test(result.output)) return inconclusive(`unshare did not report: ${gist(result.output)}`);
    return blocked(gist(result.output));
  },
};

export const resourceAttempts: Attempt[] = [
  forkBomb,
  allocateInOneProcess,
  allocateAcrossProcesses,
  fillTmp,
  floodOutput,
  userNamespace,
];
