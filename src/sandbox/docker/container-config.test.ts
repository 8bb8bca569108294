// The container definition: each wall of the docker backend is present as an engine setting.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  assertCacheBinds,
  assertDockerWorktreeMountable,
  type ContainerSpec,
  containerDefinition,
  ownerHostLabel,
  ownerPidLabel,
  processHeadroom,
  sandboxLabel,
} from "./container-config.ts";

const spec: ContainerSpec = {
  image: "node:24",
  name: "slipway-sandbox-test",
  worktree: "/srv/worktrees/run-1",
  identity: { uid: 1000, gid: 1000 },
  memoryMb: 512,
  maxProcesses: 100,
  maxFileMb: 64,
  cpus: 2,
  readOnlyDirectories: ["/usr", "/opt/node24/node_modules"],
  labels: { "slipway.installation": "ci" },
  ownerPid: 4242,
  ownerHost: "builder",
};

describe("docker container definition", () => {
  const definition = containerDefinition(spec);
  const host = definition.HostConfig ?? {};

  test("has no network, a read-only root, only KILL/SETUID/SETGID for root and no privilege escalation", () => {
    assert.equal(host.NetworkMode, "none");
    assert.equal(definition.NetworkDisabled, true);
    assert.equal(host.ReadonlyRootfs, true);
    assert.deepEqual(host.CapDrop, ["ALL"]);
    assert.deepEqual(host.CapAdd, ["KILL", "SETUID", "SETGID"]);
    assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
    assert.equal(host.Privileged, undefined);
  });

  test("writes no container log: nothing sent to the init's output reaches the host's disk", () => {
    assert.deepEqual(host.LogConfig, { Type: "none", Config: {} });
  });

  test("gives each volume the image declares a capped tmpfs, except where the sandbox mounts already", () => {
    const withVolumes = containerDefinition({ ...spec, declaredVolumes: ["/data", "/tmp", spec.worktree] });
    assert.match(withVolumes.HostConfig?.Tmpfs?.["/data"] ?? "", /size=512m,mode=1777/);
    assert.doesNotMatch(withVolumes.HostConfig?.Tmpfs?.[spec.worktree] ?? "none", /size/);
  });

  test("hides masked files behind an empty read-only file", () => {
    const masked = containerDefinition({ ...spec, maskedFiles: ["/usr/etc/npmrc"] });
    assert.deepEqual(masked.HostConfig?.Mounts?.at(-1), {
      Type: "bind",
      Source: "/dev/null",
      Target: "/usr/etc/npmrc",
      ReadOnly: true,
    });
  });

  test("caps the agent's own processes (RLIMIT_NPROC) only when its uid is the sandbox's own", () => {
    const ownUid = containerDefinition({ ...spec, identity: { uid: 2_000_000_123, gid: 2_000_000_123 } });
    assert.deepEqual(
      ownUid.HostConfig?.Ulimits?.find((limit) => limit.Name === "nproc"),
      {
        Name: "nproc",
        Soft: 100,
        Hard: 100,
      },
    );
    assert.equal(
      host.Ulimits?.find((limit) => limit.Name === "nproc"),
      undefined,
    );
  });

  test("runs the platform as root (the agent's uid is set per command) in the worktree's own path under an init", () => {
    assert.equal(definition.User, "0:0");
    assert.equal(definition.WorkingDir, "/srv/worktrees/run-1");
    assert.equal(host.Init, true);
    assert.deepEqual(definition.Entrypoint, [""]);
  });

  test("mounts the worktree read-write and the toolchain read-only, each at its own path", () => {
    assert.deepEqual(host.Mounts, [
      { Type: "bind", Source: "/srv/worktrees/run-1", Target: "/srv/worktrees/run-1", ReadOnly: false },
      { Type: "bind", Source: "/usr", Target: "/usr", ReadOnly: true },
      {
        Type: "bind",
        Source: "/opt/node24/node_modules",
        Target: "/opt/node24/node_modules",
        ReadOnly: true,
      },
    ]);
  });

  test("covers the top directory of the worktree's path with its read-only parents, before the worktree", () => {
    const parents = { source: "/tmp/slipway-docker-parents-x", target: "/srv" };
    const covered = containerDefinition({ ...spec, worktreeParents: parents });
    assert.deepEqual(covered.HostConfig?.Mounts?.slice(0, 2), [
      { Type: "bind", Source: parents.source, Target: "/srv", ReadOnly: true },
      { Type: "bind", Source: "/srv/worktrees/run-1", Target: "/srv/worktrees/run-1", ReadOnly: false },
    ]);
  });

  test("refuses a worktree whose own path would cover the container's or the system's directories", () => {
    // Pure: a refused path must never reach the hand-over (chown -R) that follows in prepareSandbox.
    for (const worktree of [
      "/",
      "/usr",
      "/lib",
      "/home",
      "/tmp",
      "/etc/x",
      "/proc/1",
      "/run/x",
      "/home/sandbox/w",
    ])
      assert.throws(
        () => assertDockerWorktreeMountable(worktree),
        /cannot be mounted at its own path/,
        worktree,
      );
    for (const worktree of ["/tmp/w", "/root/.slipway/worktrees/run-1", "/usr/src/app", "/app"])
      assert.doesNotThrow(() => assertDockerWorktreeMountable(worktree), worktree);
  });

  test("with allowed hosts, mounts only the egress socket directory read-only and keeps no network", () => {
    const egress = containerDefinition({ ...spec, egressSocketDirectory: "/tmp/slipway-egress-x/socket" });
    assert.deepEqual(egress.HostConfig?.Mounts?.at(-1), {
      Type: "bind",
      Source: "/tmp/slipway-egress-x/socket",
      Target: "/run/slipway-egress",
      ReadOnly: true,
    });
    assert.equal(egress.HostConfig?.NetworkMode, "none");
    assert.equal(egress.NetworkDisabled, true);
  });

  test("gives private, size-capped tmpfs for /tmp and HOME", () => {
    assert.match(host.Tmpfs?.["/tmp"] ?? "", /size=512m,mode=1777/);
    assert.match(host.Tmpfs?.["/home/sandbox"] ?? "", /size=512m,mode=0700,uid=1000,gid=1000/);
    assert.match(host.Tmpfs?.["/run/slipway"] ?? "", /noexec.*mode=0700,uid=0,gid=0/);
    assert.doesNotMatch(host.Tmpfs?.["/tmp"] ?? "", /uid=/);
  });

  test("caps memory without swap, processes and CPUs", () => {
    assert.equal(host.Memory, 512 * 1024 * 1024);
    assert.equal(host.MemorySwap, host.Memory);
    assert.equal(host.PidsLimit, 100 + processHeadroom);
    assert.equal(host.NanoCpus, 2_000_000_000);
  });

  test("labels the container as a sandbox with its owner, keeping the caller's labels", () => {
    assert.deepEqual(definition.Labels, {
      "slipway.installation": "ci",
      [sandboxLabel]: "1",
      [ownerPidLabel]: "4242",
      [ownerHostLabel]: "builder",
    });
  });
});

describe("cache binds", () => {
  test("bind setup's cache overlays read-write under <worktree>/.slipway-deps only", () => {
    const cacheBinds = [
      {
        source: "/srv/worktrees/run-1.layers/offline-go/merged",
        target: "/srv/worktrees/run-1/.slipway-deps/go",
      },
    ];
    const mounts = containerDefinition({ ...spec, cacheBinds }).HostConfig?.Mounts ?? [];
    assert.ok(
      mounts.some(
        (mount) => mount.Target === cacheBinds[0]!.target && mount.Source === cacheBinds[0]!.source,
      ),
    );
    for (const target of [
      "/srv/worktrees/run-1/src",
      "/srv/worktrees/run-1/.slipway-deps/../../etc",
      "/etc/passwd",
      "/srv/worktrees/run-1/.slipway-deps/go/x",
    ])
      assert.throws(() => assertCacheBinds(spec.worktree, [{ source: "/x", target }]), /not under/);
  });
});
