// Run by process-containment.test.ts as an unprivileged user (no cgroups to make), with the weaker
// sandbox accepted: starts a hidden writer in the bwrap sandbox's shared space, then either lets its
// command end or calls killAll() while it runs, says so on stdout, and keeps the sandbox open until
// a line arrives on stdin, so the test (as root) can look at what is left.
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { createBwrapSandbox } from "../../src/sandbox/bwrap/bwrap-sandbox.ts";
import { contractOptions, shell } from "../../src/sandbox/sandbox.contract.ts";
import { type HidingTrick, hidingScript } from "./process-containment-payloads.ts";

const [worktree = "", trick = "zombie-leader", phase = "command-end"] = process.argv.slice(2);
// From the environment, not argv: the test looks for the marker among the arguments of processes.
const marker = process.env.CONTAINMENT_MARKER ?? "";
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const sandbox = await createBwrapSandbox(contractOptions(worktree), {
  acceptWeaker: ["memory-cgroup", "kill-cgroup"],
});
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
try {
  const run = (then: string) =>
    sandbox.exec(shell(hidingScript(trick as HidingTrick, marker, then), { processSpace: "run" }));
  if (phase === "command-end") {
    const result = await run("exit 0");
    say({ phase, stdout: result.stdout });
  } else {
    const running = run("sleep 60");
    for (let waited = 0; !existsSync(path.join(worktree, "started.txt")) && waited < 20_000; waited += 50)
      await sleep(50);
    const killed = await sandbox.killAll().then(
      () => "",
      (error: Error) => error.message,
    );
    say({ phase, killed, exitCode: (await running).exitCode });
  }
  await lines.next();
} finally {
  await sandbox.dispose();
}
