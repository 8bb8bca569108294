// Hostile instructions for agents: a repository whose AGENTS.md files are links (to a FIFO, or to a
// host file holding a canary) or whose worktree copy the agent rewrites. The instructions are read
// from the base commit's objects by host git, so no sandbox is involved: a link there is refused and
// never opened, nothing hangs, and the model is shown the base commit's text, never the worktree's.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { addProject, git, makeRepo, tempDir } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const canary = "HOST-CANARY-7f3a";

test("AGENTS.md links to a FIFO and a host file are refused unopened; the worktree's rewrite is not what is shown", async () => {
  const outside = tempDir("instructions-link");
  cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
  const fifo = path.join(outside, "pipe");
  execFileSync("mkfifo", [fifo]);
  const hostFile = path.join(outside, "host.md");
  writeFileSync(hostFile, `${canary}\n`);
  const repo = makeRepo({ ...addProject, "lib/AGENTS.md": "BASE-LIB-RULE\n", "lib/util.js": "export {};\n" });
  symlinkSync(fifo, path.join(repo, "AGENTS.md"));
  symlinkSync(hostFile, path.join(repo, "src/AGENTS.md"));
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "instructions as links");
  const setup = await setUpScriptedRun(
    {
      turns: [
        { toolCalls: [{ name: "read_file", input: { path: "src/add.js" } }] },
        // The agent rewrites lib/AGENTS.md in its worktree: the guidance shown stays the base's.
        {
          toolCalls: [
            { name: "create_file", input: { path: "lib/AGENTS.md", content: "FORGED-LIB-RULE\n" } },
          ],
        },
        { toolCalls: [{ name: "finish", input: { summary: "nothing" } }] },
      ],
    },
    "anthropic",
  );
  cleanups.push(() => setup.server.close());

  const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "anything", "--json"], {
    env: setup.env,
    timeoutMs: 60_000,
  });

  const report = JSON.parse(result.stdout) as { runId: string };
  assert.equal(setup.server.requests.length, 3, result.stderr);
  for (const request of setup.server.requests) {
    assert.ok(!JSON.stringify(request.body).includes(canary), "a host file reached the model");
  }
  const shown = await runCli([...baseArgs(setup), "show", report.runId, "--json"], { env: setup.env });
  const { events } = JSON.parse(shown.stdout) as {
    events: { type: string; data: Record<string, unknown> }[];
  };
  assert.deepEqual(
    events.filter((event) => event.type === "instructions-refuse").map((event) => event.data.path),
    ["AGENTS.md", "src/AGENTS.md"],
  );
  const createResult = events.find(
    (event) => event.type === "tool-result" && event.data.name === "create_file",
  );
  assert.match(
    String(createResult?.data.text),
    /<repository-guidance path="lib\/AGENTS.md">\nBASE-LIB-RULE\n/,
  );
  assert.doesNotMatch(String(createResult?.data.text), /repository-guidance[\s\S]*FORGED/);
  assert.ok(!JSON.stringify(events).includes(canary), "a host file reached the trace");
});
