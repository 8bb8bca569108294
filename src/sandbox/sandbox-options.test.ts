// A run's sandbox options and the limits its trace records come from the same configuration.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SlipwayConfig } from "../config/config-schema.ts";
import { sandboxLimitsFor, sandboxOptionsFor } from "./sandbox-options.ts";

describe("sandbox options from the configuration", () => {
  const config = SlipwayConfig.parse({
    sandbox: { memoryMb: 2048, maxProcesses: 64, maxFileMb: 300, diskMb: 4096 },
    commands: { timeoutSeconds: 30 },
    verify: { timeoutSeconds: 600 },
  });

  test("no allowed hosts: no network, and the limits the trace records match the options", () => {
    const options = sandboxOptionsFor(config, "/data/worktrees/run-1");
    assert.deepEqual(options, {
      worktree: "/data/worktrees/run-1",
      allowHosts: [],
      memoryMb: 2048,
      maxProcesses: 64,
      maxFileMb: 300,
    });
    assert.deepEqual(sandboxLimitsFor(config), {
      memoryMb: 2048,
      maxProcesses: 64,
      maxFileMb: 300,
      diskMb: 4096,
      commandTimeoutSeconds: 30,
      verifyTimeoutSeconds: 600,
      network: "none",
      allowHosts: [],
    });
  });

  test("allowed hosts make the network an allowlist of exactly those hosts", () => {
    const hosts = ["registry.npmjs.org"];
    assert.deepEqual(sandboxOptionsFor(config, "/w", hosts).allowHosts, hosts);
    const limits = sandboxLimitsFor(config, hosts);
    assert.equal(limits.network, "allowlist");
    assert.deepEqual(limits.allowHosts, hosts);
  });
});
