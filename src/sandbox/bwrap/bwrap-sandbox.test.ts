// The bwrap backend: the shared sandbox contract, then the filesystem and environment walls.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { protectedHostPaths } from "../mount-safety.ts";
import { contractOptions, describeSandboxContract, shell, tempDirectory } from "../sandbox.contract.ts";
import {
  type BwrapSandbox,
  bwrapSandboxBackend,
  createBwrapSandbox,
  defaultToolchains,
} from "./bwrap-sandbox.ts";
import { toolchainMounts } from "./toolchain-mounts.ts";

describeSandboxContract(bwrapSandboxBackend, "command");
describeSandboxContract(bwrapSandboxBackend, "run");

const availability = await bwrapSandboxBackend.availability();
const skip = availability.available ? false : `bwrap is unavailable here: ${availability.reason}`;
if (skip) console.log(`# skipping the bwrap walls: ${skip}`);

describe("bwrap sandbox walls: filesystem and environment", () => {
  let worktree = "";
  let outside = "";
  let sandbox: BwrapSandbox | undefined;
  const open = (): BwrapSandbox => {
    assert.ok(sandbox, "the sandbox was created in beforeEach");
    return sandbox;
  };

  beforeEach(async () => {
    if (skip) return;
    worktree = tempDirectory("bwrap-worktree");
    outside = tempDirectory("bwrap-outside");
    sandbox = await createBwrapSandbox(contractOptions(worktree));
  });

  afterEach(async () => {
    await sandbox?.dispose();
    sandbox = undefined;
    for (const directory of [worktree, `${worktree}.setup`, outside])
      if (directory) rmSync(directory, { recursive: true, force: true });
  });

  test("runs as an unprivileged user with no capabilities, in the worktree's own path", {
    skip,
  }, async () => {
    const result = await open().exec(shell("id -u; id -g; grep CapEff /proc/self/status; pwd"));
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, `1000\n1000\nCapEff:\t0000000000000000\n${realpathSync(worktree)}\n`);
  });

  test("cannot write /etc, /usr or the host's home directory", { skip }, async () => {
    const name = `slipway-wall-${randomInt(1e9)}`;
    for (const directory of ["/etc", "/usr", "/usr/bin", homedir()]) {
      const target = path.join(directory, name);
      const result = await open().exec(shell(`echo pwned > "${target}"`));
      assert.notEqual(result.exitCode, 0, `wrote ${target}`);
      assert.equal(existsSync(target), false, `${target} appeared on the host`);
    }
  });

  test("cannot read /etc/shadow or a file outside the worktree", { skip }, async () => {
    const secret = path.join(outside, "secret.txt");
    writeFileSync(secret, "the platform's secret\n");
    const shadow = await open().exec(shell("cat /etc/shadow"));
    assert.notEqual(shadow.exitCode, 0);
    const planted = await open().exec(shell(`cat "${secret}"`));
    assert.notEqual(planted.exitCode, 0);
    assert.doesNotMatch(planted.output, /platform's secret/);
  });

  test("sees nothing of the host beyond its layout: not /root, /work, the host /tmp or the worktree's siblings", {
    skip,
  }, async () => {
    // The setup copy beside the worktree (<worktree>.setup) must stay out of reach.
    mkdirSync(`${worktree}.setup`);
    writeFileSync(path.join(`${worktree}.setup`, "kept.txt"), "setup's pristine copy\n");
    // Where a toolchain is installed under one of these (a CI checkout's own Node in /work/… or
    // /tmp/…, rustup's ~/.cargo/bin and ~/.rustup), those directories exist inside, showing only
    // the way to the mounts.
    const mounts = toolchainMounts(defaultToolchains, {
      searchPath: process.env.PATH ?? "",
      protectedPaths: protectedHostPaths([homedir()]),
      host: { home: homedir(), env: process.env },
    }).directories;
    // The worktree is mounted at its own path: its parents exist, showing only the way to it.
    const waysToMounts = (hostPath: string): string[] => {
      const below = [...mounts, realpathSync(worktree)].filter((mount) => mount.startsWith(`${hostPath}/`));
      return [...new Set(below.map((mount) => mount.slice(hostPath.length + 1).split("/")[0]!))];
    };
    const checks = [homedir(), "/root", "/work", outside, `${worktree}.setup`, "/tmp"].map((hostPath) => {
      const ways = waysToMounts(hostPath);
      if (ways.length > 0) {
        const each = ways.map((next) => `[ -e "${hostPath}/${next}" ]`).join(" && ");
        return `${each} && [ "$(ls -A "${hostPath}" | wc -l)" = "${ways.length}" ]`;
      }
      return hostPath === "/tmp" ? '[ -z "$(ls -A /tmp)" ]' : `[ ! -e "${hostPath}" ]`;
    });
    const result = await open().exec(shell(`${checks.join(" && ")} && echo hidden`));
    assert.equal(result.stdout, "hidden\n", result.output);
  });

  test("a symlink in the worktree pointing outside cannot be used to write there", { skip }, async () => {
    symlinkSync(outside, path.join(worktree, "escape"));
    symlinkSync("../../../../../../../..", path.join(worktree, "up"));
    const absolute = await open().exec(shell("echo pwned > escape/owned.txt"));
    assert.notEqual(absolute.exitCode, 0);
    const relative = await open().exec(shell(`echo pwned > "up${outside}/owned-too.txt"`));
    assert.notEqual(relative.exitCode, 0);
    assert.equal(existsSync(path.join(outside, "owned.txt")), false);
    assert.equal(existsSync(path.join(outside, "owned-too.txt")), false);
  });

  test("/proc/1/environ shows only the sandbox's environment, not the platform's", { skip }, async () => {
    const canary = `secret-${randomInt(1e9)}`;
    process.env.SLIPWAY_TEST_CANARY = canary;
    try {
      const result = await open().exec(
        shell("tr '\\0' '\\n' < /proc/1/environ; tr '\\0' '\\n' < /proc/self/environ"),
      );
      assert.match(result.stdout, /^HOME=\/home\/sandbox$/m);
      assert.doesNotMatch(result.output, new RegExp(canary));
    } finally {
      delete process.env.SLIPWAY_TEST_CANARY;
    }
  });

  test("runs the host's node from its read-only toolchain mount", { skip }, async () => {
    const version = await open().exec(shell("node -e 'console.log(process.version)'"));
    assert.equal(version.stdout, `${process.version}\n`, version.output);
    const write = await open().exec(shell('touch "$(dirname "$(command -v node)")/slipway-wall"'));
    assert.notEqual(write.exitCode, 0);
  });

  test("keeps /tmp and $HOME private to each command", { skip }, async () => {
    const first = await open().exec(shell('echo left > /tmp/left && echo left > "$HOME/left"'));
    assert.equal(first.exitCode, 0);
    const second = await open().exec(shell('ls -A /tmp "$HOME"'));
    assert.doesNotMatch(second.output, /left/);
  });
});

describe("bwrap sandbox walls: what pid 1 shows", () => {
  for (const processSpace of ["command", "run"] as const) {
    test(`bwrap's command line inside names no host path and no variable (${processSpace} space)`, {
      skip,
    }, async () => {
      const worktree = tempDirectory("bwrap-cmdline");
      const sandbox = await createBwrapSandbox(contractOptions(worktree));
      try {
        const result = await sandbox.exec(
          shell("tr '\\0' ' ' < /proc/1/cmdline", { processSpace, env: { SLIPWAY_MARK: "visible-value" } }),
        );
        assert.equal(result.exitCode, 0, result.output);
        assert.match(result.stdout, /^\S*bwrap --args 3 -- /, "the check reads the right process");
        for (const hidden of [worktree, sandbox.scratchDir, "--setenv", "visible-value", "--ro-bind"]) {
          assert.ok(!result.stdout.includes(hidden), `pid 1 shows ${hidden}: ${result.stdout}`);
        }
      } finally {
        await sandbox.dispose();
        rmSync(worktree, { recursive: true, force: true });
      }
    });
  }
});
