// The container definition: each wall of the docker backend is present as an engine setting.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
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
  cpus: 2,
  readOnlyDirectories: ["/usr", "/opt/node24/node_modules"],
  labels: { "slipway.installation": "ci" },
  ownerPid: 4242,
  ownerHost: "builder",
};

describe("docker container definition", () => {
  const definition = containerDefinition(spec);
  const host = definition.HostConfig ?? {};

  test("has no network, a read-only root, no capabilities and no privilege escalation", () => {
    assert.equal(host.NetworkMode, "none");
    assert.equal(definition.NetworkDisabled, true);
    assert.equal(host.ReadonlyRootfs, true);
    assert.deepEqual(host.CapDrop, ["ALL"]);
    assert.deepEqual(host.SecurityOpt, ["no-new-privileges"]);
    assert.equal(host.Privileged, undefined);
  });

  test("runs as the given unprivileged user in /workspace under an init that reaps orphans", () => {
    assert.equal(definition.User, "1000:1000");
    assert.equal(definition.WorkingDir, "/workspace");
    assert.equal(host.Init, true);
    assert.deepEqual(definition.Entrypoint, [""]);
  });

  test("mounts the worktree read-write at /workspace and the toolchain read-only at its own path", () => {
    assert.deepEqual(host.Mounts, [
      { Type: "bind", Source: "/srv/worktrees/run-1", Target: "/workspace", ReadOnly: false },
      { Type: "bind", Source: "/usr", Target: "/usr", ReadOnly: true },
      {
        Type: "bind",
        Source: "/opt/node24/node_modules",
        Target: "/opt/node24/node_modules",
        ReadOnly: true,
      },
    ]);
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
