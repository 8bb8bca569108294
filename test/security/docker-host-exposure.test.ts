// What of the host a docker sandbox's agent shares or sees: its uid must be no host account's
// (breach 12: uid 1000 shared a real user's limits), and with the host toolchain mounted the global
// npm configuration (a usual home of registry tokens) must read as empty (issue 11's weakness).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import { isSandboxIdentity } from "../../src/sandbox/docker/worktree-owner.ts";
import { shell } from "../../src/sandbox/sandbox.contract.ts";
import { cleanUpAfter, dockerSkip, openDockerSandbox } from "./docker-test-sandbox.ts";

const run = promisify(execFile);
const skip = await dockerSkip("the docker host exposure attacks");
const worktrees: string[] = [];
cleanUpAfter(skip, worktrees);

/** The global npm configuration files this host has; one is planted (as root) when it has none. */
function globalNpmConfigs(): string[] {
  const candidates = ["/usr/etc/npmrc", "/usr/local/etc/npmrc", "/usr/lib/node_modules/npm/npmrc"];
  const present = candidates.filter((file) => existsSync(file) && readFileSync(file, "utf8").length > 0);
  if (present.length > 0 || process.getuid?.() !== 0) return present;
  const planted = "/usr/local/etc/npmrc";
  writeFileSync(planted, "//registry.example.test/:_authToken=planted-by-slipway-test\n");
  after(() => rmSync(planted, { force: true }));
  return [planted];
}

describe("docker sandbox and the host's accounts", () => {
  test("the agent runs as a uid no host account has, a different one per sandbox", { skip }, async () => {
    const uids: number[] = [];
    for (let count = 0; count < 2; count++) {
      const sandbox = await openDockerSandbox(worktrees);
      const result = await sandbox.exec(shell("id -u"));
      uids.push(Number(result.stdout.trim()));
      await sandbox.dispose();
    }
    for (const uid of uids) {
      assert.ok(isSandboxIdentity({ uid, gid: uid }), `uid ${uid} is not from the sandbox range`);
      await assert.rejects(
        run("getent", ["passwd", String(uid)], { timeout: 10_000 }),
        `uid ${uid} is a host account`,
      );
    }
    assert.notEqual(uids[0], uids[1], "two sandboxes shared one uid");
  });
});

describe("docker host toolchain", () => {
  const configs = skip ? [] : globalNpmConfigs();
  const noConfig =
    configs.length === 0
      ? "this host has no global npm configuration and it cannot be planted without root"
      : false;
  if (noConfig && !skip) console.log(`# skipping the npm configuration attack: ${noConfig}`);

  test("the host's global npm configuration reads as empty inside", { skip: skip || noConfig }, async () => {
    const sandbox = await openDockerSandbox(worktrees);
    for (const file of configs) {
      const result = await sandbox.exec(shell(`wc -c < ${file}`));
      assert.equal(result.exitCode, 0, `${file} is not there at all inside: ${result.output}`);
      assert.equal(
        result.stdout.trim(),
        "0",
        `${file} showed its ${readFileSync(file, "utf8").length} bytes`,
      );
    }
    await sandbox.dispose();
  });
});
