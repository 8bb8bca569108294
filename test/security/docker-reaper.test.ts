// Breach 10, the docker reaper trusting the agent: a forged keep file, a fork chain that hops pids,
// a killed watchdog with a forged stop record, and a killed or impersonated egress bridge. Every
// attempt runs on a real engine, in both process spaces the pipeline asks for, and shows it ran.
import assert from "node:assert/strict";
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { askingFor, shell, survivorsWith, uniqueSleepMarker } from "../../src/sandbox/sandbox.contract.ts";
import { cleanUpAfter, dockerSkip, openDockerSandbox } from "./docker-test-sandbox.ts";

const skip = await dockerSkip("the docker reaper attacks");
const worktrees: string[] = [];
cleanUpAfter(skip, worktrees);

/** Lines a hop chain has appended to `file` in the worktree. */
function hopsIn(worktree: string): number {
  try {
    return readFileSync(path.join(worktree, "hops"), "utf8").split("\n").length - 1;
  } catch {
    return 0;
  }
}

for (const processSpace of ["run", "command"] as const) {
  describe(`docker reaper, ${processSpace} process space`, () => {
    test("a process named in a forged keep file is ended with its command, and by killAll", {
      skip,
    }, async () => {
      const sandbox = askingFor(await openDockerSandbox(worktrees), processSpace);
      const marker = uniqueSleepMarker();
      // The process writes its own pid where the old reaper read the pids it spared.
      const script = [
        `setsid sh -c 'echo $$ > /run/slipway/keep-forged 2>/dev/null && echo keep-file-written >&2; exec sleep ${marker}' </dev/null >/dev/null &`,
        'p=$!; i=0; while [ "$i" -lt 200 ] && ! grep -q sleep "/proc/$p/cmdline" 2>/dev/null; do i=$((i+1)); sleep 0.01; done',
        'kill -0 "$p" && echo started',
      ].join("\n");
      const result = await sandbox.exec(shell(script));
      assert.match(result.stdout, /started/, `the hiding process never ran: ${result.output}`);
      assert.doesNotMatch(
        result.stderr,
        /keep-file-written/,
        "the agent wrote the platform's control directory",
      );
      assert.deepEqual(await survivorsWith(marker), [], "it outlived its command");
      await sandbox.killAll();
      assert.deepEqual(await survivorsWith(marker), []);
      await sandbox.dispose();
    });

    test("a fork chain that hops pids is ended by killAll and writes nothing after", { skip }, async () => {
      const sandbox = askingFor(await openDockerSandbox(worktrees), processSpace);
      const marker = uniqueSleepMarker();
      // Each generation starts the next and exits at once: its pid is never the same twice. The
      // worktree is mounted at its own (real) path inside.
      const inside = realpathSync(sandbox.worktree);
      writeFileSync(
        path.join(sandbox.worktree, "hop.sh"),
        `echo . >> ${inside}/hops\nsh ${inside}/hop.sh ${marker} </dev/null >/dev/null 2>&1 &\nexit 0\n`,
      );
      // Sixteen chains: a reaper that makes one pass over /proc misses at least one of them.
      const chain = `setsid sh ${inside}/hop.sh ${marker} </dev/null >/dev/null 2>&1 &`;
      const started = await sandbox.exec(shell(`${chain.repeat(16)} sleep 1; echo started`));
      assert.match(started.stdout, /started/);
      await sandbox.killAll();
      const afterKill = hopsIn(sandbox.worktree);
      assert.ok(afterKill > 20, `the chain never hopped (${afterKill} generations)`);
      await sleep(500);
      assert.equal(hopsIn(sandbox.worktree), afterKill, "the chain went on hopping after killAll");
      assert.deepEqual(await survivorsWith(marker, 1_000), []);
      await sandbox.dispose();
    });

    test("a killed watchdog and a forged stop record do not stretch a 3 s limit", { skip }, async () => {
      const sandbox = askingFor(await openDockerSandbox(worktrees), processSpace);
      const marker = uniqueSleepMarker();
      const script = [
        "trap '' TERM",
        // The watchdog is the process with the exact argument slipway-watchdog (this script has it
        // only inside a longer argument, so it does not kill itself).
        "for d in /proc/[0-9]*; do",
        "  if tr '\\0' '\\n' < \"$d/cmdline\" 2>/dev/null | grep -qx slipway-watchdog; then",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
        '    echo "watchdog ${d#/proc/}"; kill -9 "${d#/proc/}" 2>/dev/null && echo killed-watchdog',
        "  fi",
        "done",
        "sleep 1000 & decoy=$!",
        'for f in /run/slipway/*; do echo "$decoy" 2>/dev/null > "$f" && echo forged-record; done',
        "echo armed",
        `exec sleep ${marker}`,
      ].join("\n");
      const result = await sandbox.exec(shell(script, { timeoutMs: 3_000 }));
      assert.match(result.stdout, /armed/, `the attack never ran: ${result.output}`);
      assert.match(result.stdout, /^watchdog \d+$/m, "the attack found no watchdog to kill");
      assert.doesNotMatch(result.stdout, /killed-watchdog|forged-record/);
      assert.equal(result.timedOut, true);
      assert.ok(result.durationMs < 8_000, `a 3 s limit returned after ${result.durationMs} ms`);
      assert.deepEqual(await survivorsWith(marker, 1_000), [], "the command outlived its limit");
      await sandbox.dispose();
    });
  });
}

describe("docker egress bridge", () => {
  test("the agent can neither kill the egress bridge nor serve its port itself", { skip }, async () => {
    const sandbox = await openDockerSandbox(
      worktrees,
      { allowHosts: ["allowed.test"] },
      { egress: { bridges: ["socat"] } },
    );
    const script = [
      "for d in /proc/[0-9]*; do",
      "  if tr '\\0' '\\n' < \"$d/cmdline\" 2>/dev/null | grep -q '^TCP-LISTEN:3128,'; then",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
      '    b=${d#/proc/}; echo "bridge $b"',
      "  fi",
      "done",
      'kill -9 "$b" 2>/dev/null && echo killed-bridge',
      "sleep 0.2",
      `node -e 'require("net").createServer().on("error", (e) => { console.log("listen " + e.code); }).listen(3128, "127.0.0.1", () => { console.log("listening"); process.exit(0); })'`,
    ].join("\n");
    const result = await sandbox.exec(shell(script));
    assert.match(result.stdout, /^bridge \d+$/m, `no bridge was found to attack: ${result.output}`);
    assert.doesNotMatch(result.stdout, /killed-bridge|listening/);
    assert.match(result.stdout, /listen EADDRINUSE/);
    await sandbox.dispose();
  });
});
