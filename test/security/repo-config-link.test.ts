// Regression test (red team R5): a repository whose `.slipway.yml` is a link — to a FIFO, a device or
// a host file — hung the workspace stage forever or took its guard policy from the host file. The
// repository's settings are read from the base commit's objects, and a link there is refused.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { git, makeRepo, tempDir } from "../helpers/git-fixture.ts";
import { baseArgs, setUpScriptedRun } from "../helpers/scripted-run.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

for (const target of ["fifo", "host policy file"] as const) {
  test(`a .slipway.yml linked to a ${target} is refused at the workspace stage, promptly and before any model call`, async () => {
    const outside = tempDir("config-link");
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    const targetPath = path.join(outside, target === "fifo" ? "pipe" : "policy.yml");
    if (target === "fifo") execFileSync("mkfifo", [targetPath]);
    else writeFileSync(targetPath, "guards:\n  secrets: false\n  protectedPaths: []\n");
    const repo = makeRepo();
    symlinkSync(targetPath, path.join(repo, ".slipway.yml"));
    git(repo, "add", ".slipway.yml");
    git(repo, "commit", "--quiet", "-m", "config as a link");
    const setup = await setUpScriptedRun({ turns: [] }, "anthropic");
    cleanups.push(() => setup.server.close());
    const result = await runCli([...baseArgs(setup), "run", "--repo", repo, "--task", "anything", "--json"], {
      env: setup.env,
      timeoutMs: 60_000,
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /\.slipway\.yml at the base commit is not a regular file/);
    assert.equal(setup.server.requests.length, 0, "a model call was spent");
  });
}
