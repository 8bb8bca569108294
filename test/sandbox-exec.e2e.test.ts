// `slipway sandbox exec` end to end: one command in a sandbox, as an agent's command runs — the
// directory as the worktree, the walls, the configured time limit, and the command's exit code.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { bwrapSandboxBackend } from "../src/sandbox/bwrap/bwrap-sandbox.ts";
import { removeLeftoverContainers } from "../src/sandbox/docker/leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "../src/sandbox/docker/test-image.ts";
import { cliEnv, runCli } from "./helpers/cli.ts";
import { tempDir } from "./helpers/git-fixture.ts";

const bwrap = await bwrapSandboxBackend.availability();
const bwrapSkip = bwrap.available ? false : `bwrap is unavailable here: ${bwrap.reason}`;
const dockerReason = await dockerTestSkipReason();
const dockerSkip = dockerReason ? `no Docker engine here: ${dockerReason}` : false;

describe("slipway sandbox exec", () => {
  const directories: string[] = [];
  after(async () => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    if (!dockerSkip) await removeLeftoverContainers({ maxAgeMs: 60 * 60_000 });
  });
  function directory(config = ""): string {
    const made = tempDir("sandbox-exec");
    directories.push(made);
    if (config) writeFileSync(path.join(made, "slipway.yaml"), config);
    return made;
  }
  const exec = (args: string[], options: { cwd: string; env?: Record<string, string> }) =>
    runCli(["sandbox", "exec", ...args], { env: cliEnv(options.env ?? {}), cwd: options.cwd });

  test("runs the command in the directory as its worktree and exits with its exit code", {
    skip: bwrapSkip,
  }, async () => {
    const repo = directory();
    writeFileSync(path.join(repo, "input.txt"), "from the host\n");
    const result = await exec(
      [
        "--backend",
        "bwrap",
        "--repo",
        repo,
        "--",
        "sh",
        "-c",
        "cat input.txt; pwd; echo made > out.txt; echo oops >&2; exit 7",
      ],
      { cwd: directory() },
    );
    assert.equal(result.code, 7, result.stderr);
    // A plain directory is the worktree itself, mounted at its own path.
    assert.equal(result.stdout, `from the host\n${realpathSync(repo)}\n`);
    assert.equal(result.stderr, "oops\n");
    assert.equal(readFileSync(path.join(repo, "out.txt"), "utf8"), "made\n");
  });

  test("uses the current directory by default and keeps the platform's secrets out", {
    skip: bwrapSkip,
  }, async () => {
    const canary = `canary-${randomBytes(8).toString("hex")}`;
    const cwd = directory();
    writeFileSync(path.join(cwd, "here.txt"), "");
    const result = await exec(["--backend", "bwrap", "--", "sh", "-c", "ls; env; cat /proc/1/environ"], {
      cwd,
      env: { ANTHROPIC_API_KEY: canary, FORGE_TOKEN: canary },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^here\.txt$/m);
    assert.doesNotMatch(result.stdout, new RegExp(canary));
    assert.match(result.stdout, /^HOME=\/home\/sandbox$/m);
  });

  test("stops the command at commands.timeoutSeconds and exits 124", { skip: bwrapSkip }, async () => {
    const cwd = directory("commands:\n  timeoutSeconds: 1\n");
    const result = await exec(["--backend", "bwrap", "--", "sh", "-c", "echo started; sleep 60"], { cwd });
    assert.equal(result.code, 124);
    assert.equal(result.stdout, "started\n");
    assert.match(
      result.stderr,
      /timed out after 1\.0 s \(commands\.timeoutSeconds\); the command was killed/,
    );
  });

  test("the same limits as a run: a fork beyond sandbox.maxProcesses fails", {
    skip: bwrapSkip,
  }, async () => {
    const cwd = directory("sandbox:\n  maxProcesses: 16\n");
    const script = "for i in $(seq 64); do sleep 5 & done; echo all-started";
    const result = await exec(["--backend", "bwrap", "--", "sh", "-c", script], { cwd });
    assert.notEqual(result.code, 0);
    assert.doesNotMatch(result.stdout, /all-started/);
    assert.match(result.stderr, /fork/i);
  });

  test("none warns that nothing is isolated, and still passes the exit code through", async () => {
    const cwd = directory();
    const result = await exec(["--backend", "none", "--", "sh", "-c", "exit 5"], { cwd });
    assert.equal(result.code, 5);
    assert.match(result.stderr, /^slipway: sandbox "none" gives no isolation/);
  });

  test("runs in the docker sandbox when asked", { skip: dockerSkip }, async () => {
    const cwd = directory(`sandbox:\n  dockerImage: ${testImage}\n  dockerHostToolchain: true\n`);
    const result = await exec(
      ["--backend", "docker", "--", "sh", "-c", "cat /proc/net/dev | tail -n +3 | cut -d: -f1; exit 4"],
      {
        cwd,
      },
    );
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.stdout.trim(), "lo");
  });

  test("bad input fails with one line and exit 2", async () => {
    const cwd = directory();
    const cases = [
      { args: ["--repo", path.join(cwd, "missing"), "--", "true"], pattern: /is not a directory/ },
      { args: ["--backend", "chroot", "--", "true"], pattern: /unknown sandbox backend "chroot"/ },
      {
        args: ["--allow-host", "not a host", "--", "true"],
        pattern: /--allow-host not a host: expected a host name/,
      },
    ];
    for (const { args, pattern } of cases) {
      const result = await exec(args, { cwd });
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr.trim().split("\n")[0] ?? "", pattern);
    }
  });
});
