// Attempts on the process walls: processes left behind after a command or after the run, a command
// that never ends, signals to host processes. Each first shows, from the host, that its processes
// really were running, so "none left" means they were ended, not that they never started.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { processAlive } from "../../src/core/process-alive.ts";
import {
  processesWithArgument,
  survivorsWith,
  uniqueSleepMarker,
} from "../../src/sandbox/sandbox.contract.ts";
import type { AttackRun } from "./attack-world.ts";
import {
  type AttackResult,
  type Attempt,
  blocked,
  breached,
  gist,
  inconclusive,
  notRun,
  plantedOnHost,
  plantName,
  type Verdict,
} from "./attempt.ts";

/**
 * Poll until at least `count` processes carry `marker`, or the command that starts them has ended
 * (it waits for the host's go while they run, so an ended command means they never all started).
 */
async function runningWith(marker: string, count: number, command: Promise<unknown>, withinMs = 20_000) {
  let ended = false;
  const end = () => {
    ended = true;
  };
  command.then(end, end);
  const deadline = performance.now() + withinMs;
  let found = processesWithArgument(marker).length;
  while (found < count && !ended && performance.now() < deadline) {
    await sleep(50);
    found = processesWithArgument(marker).length;
  }
  return found;
}

/** Kill what an attempt left behind (processes it started, found by their unique marker). */
function killMarked(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/** Background processes started four ways (setsid, nohup, double fork, a detached node child). */
const backgroundWays = 4;

/**
 * Start the background processes, then wait (bounded) until the host writes `go` into the worktree
 * — so the command is still running while the host counts them.
 */
function startBackground(attack: AttackRun, mark: string, go: string): Promise<AttackResult> {
  const script = [
    `setsid sleep ${mark} > /dev/null 2>&1 &`,
    `nohup sleep ${mark} > /dev/null 2>&1 &`,
    `( sleep ${mark} > /dev/null 2>&1 & ) &`,
    `node -e 'require("node:child_process").spawn("sleep", [process.argv[1]], { detached: true, stdio: "ignore" }).unref()' ${mark}`,
    `i=0; while [ ! -e ${go} ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; echo left-running`,
  ].join("\n");
  return attack.sh(script);
}

/** The verdict once the processes should be gone: `started` of them were seen running. */
async function judgeSurvivors(
  mark: string,
  started: number,
  result: AttackResult | undefined,
  after: string,
) {
  const survivors = await survivorsWith(mark, 5_000);
  killMarked(survivors);
  if (survivors.length > 0) return breached(`${survivors.length} of ${started} still running ${after}`);
  // All of them seen running is proof enough that the command ran: a command ended by dispose may
  // come back without its output (the start nonce was still on its way to the host).
  if (result && started < backgroundWays) {
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
  }
  if (started < backgroundWays) return inconclusive(`only ${started} of ${backgroundWays} ever ran`);
  return blocked(`${started} were running; none left ${after}`);
}

const backgroundAfterRun: Attempt = {
  name: "leave background processes running at dispose",
  proves: "no-kill",
  async run(attack) {
    const mark = uniqueSleepMarker();
    const pending = startBackground(attack, mark, plantName());
    const started = await runningWith(mark, backgroundWays, pending);
    // The command is still waiting: dispose must end it and all it started.
    await attack.dispose();
    // Unreferenced: once the command has ended, this bound must not keep the test file alive 30 s.
    const result = await Promise.race([pending, sleep(30_000, undefined, { ref: false })]);
    return judgeSurvivors(mark, started, result, "after dispose");
  },
};

const backgroundBetweenCommands: Attempt = {
  name: "leave a daemon running after its command",
  // Two walls end a command's leftovers: its pid namespace (own space) and the kill cgroup.
  proves: "escape",
  async run(attack) {
    const mark = uniqueSleepMarker();
    const go = plantName();
    const pending = startBackground(attack, mark, go);
    const started = await runningWith(mark, backgroundWays, pending);
    writeFileSync(path.join(attack.worktree, go), "");
    const result = await pending;
    if (!/^left-running$/m.test(result.stdout) && result.ran)
      return inconclusive(`the command did not end by itself: ${gist(result.output)}`);
    return judgeSurvivors(mark, started, result, "after the command ended");
  },
};

const runForever: Attempt = {
  name: "run past the time limit",
  proves: "no-kill",
  async run(attack) {
    const mark = uniqueSleepMarker();
    const result = attack.started(
      await attack.sandbox.exec({
        command: "sh",
        args: ["-c", `echo ${attack.nonce}; sleep ${mark} & exec sleep ${mark}`],
        timeoutMs: 3_000,
        maxOutputBytes: 1024,
      }),
    );
    const survivors = await survivorsWith(mark, 5_000);
    killMarked(survivors);
    if (survivors.length > 0) return breached(`${survivors.length} still running after the time limit`);
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    if (!result.timedOut) return inconclusive(`ended before the time limit: ${gist(result.output)}`);
    return blocked("started, stopped at the time limit, no survivors");
  },
};

const killEverything: Attempt = {
  name: "kill every process it can see",
  proves: "pid",
  // Without a pid namespace, `kill -9 -1` would end every process of the machine's user.
  unsafeWhen: ["pid", "unsandboxed", "escape"],
  async run({ sh, world, worktree }): Promise<Verdict> {
    const sleeper = world.hostSleeper.pid ?? 0;
    if (!processAlive(sleeper)) return inconclusive("the host process was not running to begin with");
    // The control is a file, not output: `kill -9 -1` may end the shared space's server, and the
    // command's output with it.
    const ran = plantName();
    const result = await sh(
      `touch ${ran}; kill -9 ${sleeper} ${process.pid} ${process.ppid}; kill -9 1; kill -9 -1; echo done`,
    );
    if (!processAlive(sleeper)) return breached("the host process was killed");
    if (plantedOnHost([path.join(worktree, ran)]).length === 0)
      return inconclusive(`the command never ran: ${gist(result.output)}`);
    return blocked(`host process still alive; ${gist(result.output)}`);
  },
};

export const processAttempts: Attempt[] = [
  backgroundAfterRun,
  backgroundBetweenCommands,
  runForever,
  killEverything,
];
