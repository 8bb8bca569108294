// The docker backend against a real engine: the shared sandbox contract, then each wall — user,
// filesystem, environment, network, processes, memory, timeouts — and the container's lifecycle.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { chownSync, existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { contractOptions, describeSandboxContract, shell, tempDirectory } from "../sandbox.contract.ts";
import type { SandboxOptions } from "../sandbox.ts";
import { processHeadroom } from "./container-config.ts";
import { connectEngine, engineStatus } from "./docker-engine.ts";
import { type DockerSandbox, dockerSandboxBackend } from "./docker-sandbox.ts";
import { removeLeftoverContainers } from "./leftover-containers.ts";
import { dockerTestSkipReason, testImage } from "./test-image.ts";
import { isSandboxIdentity } from "./worktree-owner.ts";

// Built before any suite is declared: the contract suite asks for availability while it is collected.
const skipReason = await dockerTestSkipReason();
const skip = skipReason ? `no Docker engine here: ${skipReason}` : false;
if (skip) console.log(`# skipping the docker sandbox tests: ${skip}`);

/** Every container these tests create carries this label, so the after hook can sweep them. */
const testLabels = { "slipway.test": `docker-sandbox-${process.pid}-${randomInt(1e9)}` };
const backend = dockerSandboxBackend({ image: testImage, hostToolchainMounts: true, labels: testLabels });

describeSandboxContract(backend);

/** Host processes in the container's cgroup (the engine runs on this host, as in these tests). */
function processesInContainer(containerId: string): number {
  let count = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cgroup`, "utf8").includes(containerId)) count++;
    } catch {
      // The process exited while the table was read.
    }
  }
  return count;
}

describe("docker sandbox walls", () => {
  let worktree = "";
  let sandbox: DockerSandbox | undefined;
  const open = (): DockerSandbox => {
    assert.ok(sandbox, "the sandbox was created in beforeEach");
    return sandbox;
  };
  const create = async (overrides: Partial<SandboxOptions> = {}): Promise<DockerSandbox> => {
    await sandbox?.dispose();
    sandbox = (await backend.create({ ...contractOptions(worktree), ...overrides })) as DockerSandbox;
    return sandbox;
  };

  beforeEach(async () => {
    if (skip) return;
    worktree = tempDirectory("docker-worktree");
    await create();
  });

  afterEach(async () => {
    await sandbox?.dispose();
    sandbox = undefined;
    if (worktree) rmSync(worktree, { recursive: true, force: true });
    if (!skip) await removeLeftoverContainers({ maxAgeMs: 0, labels: testLabels });
  });

  test("runs as a sandbox uid without capabilities or new privileges, in the worktree's own path", {
    skip,
  }, async () => {
    const result = await open().exec(
      shell("id -u; id -g; grep -E '^(CapEff|CapPrm|NoNewPrivs)' /proc/self/status; pwd"),
    );
    assert.equal(result.exitCode, 0);
    const [uid, gid, ...rest] = result.stdout.split("\n");
    assert.ok(isSandboxIdentity({ uid: Number(uid), gid: Number(gid) }), `uid ${uid}`);
    assert.equal(gid, uid);
    assert.equal(
      rest.join("\n"),
      `CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n${realpathSync(worktree)}\n`,
    );
  });

  test("files written in the worktree land on the host, owned by the sandbox user", { skip }, async () => {
    const result = await open().exec(shell("id -u; echo made > made.txt"));
    assert.equal(result.exitCode, 0);
    assert.equal(statSync(`${worktree}/made.txt`).uid, Number(result.stdout.trim()));
  });

  test("cannot write the root filesystem, /usr or /etc", { skip }, async () => {
    for (const target of ["/pwned", "/usr/pwned", "/etc/pwned"]) {
      const result = await open().exec(shell(`echo pwned > ${target}`));
      assert.notEqual(result.exitCode, 0, `wrote ${target}`);
      assert.match(result.stderr, /Read-only file system/);
    }
    assert.equal(existsSync("/usr/pwned"), false);
  });

  test("the platform's environment is absent from commands and from the container itself", {
    skip,
  }, async () => {
    const canary = `secret-${randomInt(1e9)}`;
    process.env.SLIPWAY_TEST_CANARY = canary;
    try {
      await create();
      // The init is root's: the agent may not read its environment, nor must it hold the canary.
      const result = await open().exec(shell("env; tr '\\0' '\\n' < /proc/1/environ"));
      assert.match(result.stderr, /Permission denied/);
      const inspected = await connectEngine().getContainer(open().containerId).inspect();
      assert.doesNotMatch(JSON.stringify(inspected.Config.Env), new RegExp(canary));
      assert.match(result.stdout, /^HOME=\/home\/sandbox$/m);
      assert.doesNotMatch(result.output, new RegExp(`${canary}|SLIPWAY_TEST_CANARY`));
    } finally {
      delete process.env.SLIPWAY_TEST_CANARY;
    }
  });

  test("has no network: only loopback, no host port on 127.0.0.1, no bridge gateway", { skip }, async () => {
    const connections: string[] = [];
    const targets: { address: string; server: Server }[] = [];
    for (const address of ["127.0.0.1", await bridgeGateway()])
      targets.push({ address, server: await listen(address, () => connections.push(address)) });
    try {
      const interfaces = await open().exec(shell("ls /sys/class/net"));
      assert.equal(interfaces.stdout, "lo\n");
      for (const { address, server } of targets) {
        const { port } = server.address() as AddressInfo;
        const result = await open().exec({
          ...shell("true"),
          command: "node",
          args: ["-e", connectProbe(address, port)],
        });
        assert.match(result.stdout, /^failed:(ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|timeout)\n$/, address);
      }
      assert.deepEqual(connections, []);
    } finally {
      for (const { server } of targets) server.close();
    }
  });

  test("a timeout kills the command's whole tree and leaves nothing running in the container", {
    skip,
  }, async () => {
    const result = await open().exec(shell("echo started; sleep 100 & sleep 100", { timeoutMs: 1_500 }));
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, null);
    assert.match(result.stdout, /started/);
    assert.ok(result.durationMs < 30_000, `took ${result.durationMs} ms`);
    const top = await connectEngine().getContainer(open().containerId).top({ ps_args: "-o pid,args" });
    const sleeps = (top.Processes ?? []).filter((row: string[]) => row.join(" ").includes("sleep 100"));
    assert.deepEqual(sleeps, []);
  });

  test("stopping one command leaves another running in the same sandbox alone", { skip }, async () => {
    const [slow, stopped] = await Promise.all([
      open().exec(shell("sleep 3; echo finished")),
      open().exec(shell("sleep 100", { timeoutMs: 500 })),
    ]);
    assert.equal(stopped.timedOut, true);
    assert.equal(slow.exitCode, 0);
    assert.equal(slow.stdout, "finished\n");
  });

  test("a fork bomb is held at the pids limit, stopped at the timeout, and the sandbox works after it", {
    skip,
  }, async () => {
    const maxProcesses = 32;
    const bombed = await create({ maxProcesses });
    let peak = 0;
    const sampling = setInterval(() => {
      peak = Math.max(peak, processesInContainer(bombed.containerId));
    }, 20);
    // bash retries a failed fork (dash gives up), so this bomb keeps the container at its limit.
    const bomb = "bomb() { bomb | bomb & }; bomb; sleep 100";
    const result = await bombed.exec({
      ...shell("true", { timeoutMs: 3_000 }),
      command: "bash",
      args: ["-c", bomb],
    });
    clearInterval(sampling);
    assert.equal(result.timedOut, true);
    assert.match(result.output, /fork: retry: Resource temporarily unavailable/);
    // The stop helper may join the full container beyond the limit: only forks are refused.
    assert.ok(peak >= maxProcesses && peak <= maxProcesses + processHeadroom + 1, `peak ${peak} processes`);
    const after = await bombed.exec(shell("echo alive"));
    assert.equal(after.stdout, "alive\n");
    // What is left is the container's own init, its keep-alive shell and that shell's sleep.
    assert.equal(processesInContainer(bombed.containerId), 3);
  });

  test("a process allocating 1 GiB with memoryMb 128 is killed, and the sandbox survives", {
    skip,
  }, async () => {
    const small = await create({ memoryMb: 128 });
    const result = await small.exec({
      ...shell("true"),
      command: "node",
      args: ["-e", "const b = Buffer.alloc(2 ** 30, 1); console.log('allocated', b.length)"],
    });
    assert.equal(result.timedOut, false);
    assert.notEqual(result.exitCode, 0);
    assert.doesNotMatch(result.stdout, /allocated/);
    assert.equal((await small.exec(shell("echo alive"))).stdout, "alive\n");
  });

  test("a file, sparse or not, cannot grow past maxFileMb; one under it can", { skip }, async () => {
    const capped = await create({ maxFileMb: 8 });
    const result = await capped.exec(
      shell(
        "truncate -s 7M small && echo small-made; truncate -s 100G huge && echo huge-made; stat -c 'huge-size=%s' huge",
      ),
    );
    assert.match(result.output, /small-made/);
    assert.doesNotMatch(result.output, /huge-made/);
    assert.match(result.output, /huge-size=0\b/);
  });

  test("dispose removes the container, gives the worktree back and refuses later commands", {
    skip,
  }, async () => {
    // The worktree was the test's before the sandbox took it: it must be the test's again after.
    const owner = process.getuid?.();
    await open().exec(shell("mkdir -p made && echo x > made/file"));
    const id = open().containerId;
    await open().dispose();
    await open().dispose();
    await assert.rejects(connectEngine().getContainer(id).inspect(), (error) => engineStatus(error) === 404);
    await assert.rejects(open().exec(shell("true")), /disposed/);
    for (const item of ["", "made", "made/file"])
      assert.equal(statSync(path.join(worktree, item)).uid, owner);
  });

  test("dispose ends a command that is still running", { skip }, async () => {
    const running = open().exec(shell("touch started; sleep 100"));
    const deadline = performance.now() + 10_000;
    while (!existsSync(path.join(worktree, "started")) && performance.now() < deadline) await sleep(20);
    assert.equal(existsSync(path.join(worktree, "started")), true, "the command started");
    await open().dispose();
    const result = await running;
    assert.notEqual(result.exitCode, 0);
    assert.equal(result.timedOut, false);
  });

  test("a worktree owned by an unprivileged user is used by that user as it is", { skip }, async () => {
    await open().dispose();
    // As root, give the worktree to an arbitrary user first; otherwise it already is the platform's.
    if (process.getuid?.() === 0) chownSync(worktree, 4321, 4321);
    const owner = statSync(worktree);
    const used = await create();
    const result = await used.exec(shell("id -u; id -g; echo mine > mine.txt"));
    assert.equal(result.stdout, `${owner.uid}\n${owner.gid}\n`);
    assert.equal(statSync(path.join(worktree, "mine.txt")).uid, owner.uid);
  });
});

/**
 * The host's address on the engine's default bridge, which a bridged container could reach: the
 * declared gateway, else the subnet's first host address (the engine's rule for docker0).
 */
async function bridgeGateway(): Promise<string> {
  const network = await connectEngine().getNetwork("bridge").inspect();
  const config = network.IPAM?.Config?.[0];
  const subnet = /^(\d+\.\d+\.\d+)\.0\/\d+$/.exec(config?.Subnet ?? "");
  const gateway = config?.Gateway ?? (subnet ? `${subnet[1]}.1` : undefined);
  assert.ok(typeof gateway === "string", "the bridge network has a gateway");
  return gateway;
}

/** A node program that prints `connected` or `failed:<code>` for a TCP connection to address:port. */
function connectProbe(address: string, port: number): string {
  return `require("net").connect(${port}, "${address}")
    .on("connect", () => { console.log("connected"); process.exit(0); })
    .on("error", (e) => { console.log("failed:" + e.code); process.exit(1); })
    .setTimeout(5000, () => { console.log("failed:timeout"); process.exit(1); })`;
}

function listen(address: string, onConnection: () => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      onConnection();
      socket.destroy();
    });
    server.once("error", reject);
    server.listen(0, address, () => resolve(server));
  });
}
