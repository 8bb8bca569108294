// Regression test for the missing disk quota (issue 11): an agent's command wrote 1.5 GiB in 4 s onto
// the filesystem that holds the store. A run's worktree now lives on a volume of sandbox.diskMb, so
// a write past it fails inside the sandbox and the host's disk is untouched; the volume goes with the run.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { runVolumeProblem } from "../../src/workspace/run-volume.ts";
import { runCli } from "../helpers/cli.ts";
import { makeRepo } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const problem = runVolumeProblem();
if (problem) console.log(`# skipping the disk quota test: ${problem}`);

/** Writes 1 MiB blocks until 200 MiB or the first error, then says how far it got and why it stopped. */
const fill = [
  "const fs=require('fs');let n=0;const b=Buffer.alloc(1<<20,7);",
  "try{const f=fs.openSync('fill.bin','w');for(;n<200;n++)fs.writeSync(f,b);console.log('WROTE-ALL',n)}",
  "catch(e){console.log('STOPPED-AT',n,e.code)}",
].join("");

test("a run's worktree is capped at sandbox.diskMb: a write past it fails with ENOSPC", {
  skip: problem ?? false,
}, async () => {
  const repo = makeRepo();
  const script = {
    turns: [
      { toolCalls: [{ name: "run_command", input: { command: `node -e "${fill}"` } }] },
      { toolCalls: [{ name: "finish", input: { summary: "filled the disk" } }] },
    ],
  };
  const setup = await setUpScriptedRun(script, "anthropic", { sandbox: { diskMb: 64 } });
  cleanups.push(() => setup.server.close());
  const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "fill", "--json"], {
    env: setup.env,
  });
  const report = JSON.parse(result.stdout) as { runId: string };
  const shown = await runCli([...baseArgs(setup), "show", report.runId, "--json"], { env: setup.env });
  const { events } = JSON.parse(shown.stdout) as {
    events: { type: string; data: Record<string, unknown> }[];
  };
  const output = JSON.stringify(events.filter((event) => event.type === "tool-result"));
  // Positive control: the command ran and wrote something before the wall stopped it.
  const stopped = /STOPPED-AT (\d+) ENOSPC/.exec(output);
  assert.ok(stopped, `the write was not stopped by a full volume: ${output.slice(0, 400)}`);
  assert.ok(Number(stopped[1]) > 0 && Number(stopped[1]) < 64, `stopped after ${stopped[1]} MiB`);
  const ready = events.find((event) => event.type === "workspace-ready")!;
  assert.match(String(ready.data.worktree), new RegExp(`/volumes/${report.runId}/worktree$`));
  // The volume and its image went with the run.
  const volumes = path.join(setup.dataDir, "volumes");
  assert.deepEqual(existsSync(volumes) ? readdirSync(volumes) : [], []);
});
