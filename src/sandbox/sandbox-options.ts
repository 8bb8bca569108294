// The sandbox a run gets from its configuration, in one place: the options a run's sandbox is
// created with, and the limits the run's trace records. `slipway sandbox exec` uses the same, so a
// command run by hand meets exactly the walls an agent's command meets.
import type { SandboxOptions } from "./sandbox.ts";

/** The parts of the configuration that shape a run's sandbox. */
export interface SandboxConfigSlice {
  sandbox: { memoryMb: number; maxProcesses: number; maxFileMb?: number; diskMb?: number };
  commands: { timeoutSeconds: number };
  verify: { timeoutSeconds: number };
}

/** The limits in force in a run's sandbox, as recorded on its `run-start` event. */
export interface SandboxLimits {
  memoryMb: number;
  maxProcesses: number;
  /** Largest file a sandboxed process may write. */
  maxFileMb?: number;
  /** The run's disk quota (its worktree's volume). */
  diskMb?: number;
  /** Time limit of one agent command (`run_command`, `slipway sandbox exec`). */
  commandTimeoutSeconds: number;
  /** Time limit of one verifier command. */
  verifyTimeoutSeconds: number;
  /** `none`: no network at all; `allowlist`: only `allowHosts`, through the egress proxy. */
  network: "none" | "allowlist";
  allowHosts: string[];
}

/** The options a sandbox for `worktree` is created with; `allowHosts` empty means no network. */
export function sandboxOptionsFor(
  config: SandboxConfigSlice,
  worktree: string,
  allowHosts: readonly string[] = [],
): SandboxOptions {
  return {
    worktree,
    allowHosts: [...allowHosts],
    memoryMb: config.sandbox.memoryMb,
    maxProcesses: config.sandbox.maxProcesses,
    maxFileMb: config.sandbox.maxFileMb,
  };
}

/** The limits a sandbox made by `sandboxOptionsFor(config, …, allowHosts)` runs its commands under. */
export function sandboxLimitsFor(
  config: SandboxConfigSlice,
  allowHosts: readonly string[] = [],
): SandboxLimits {
  return {
    memoryMb: config.sandbox.memoryMb,
    maxProcesses: config.sandbox.maxProcesses,
    maxFileMb: config.sandbox.maxFileMb,
    diskMb: config.sandbox.diskMb,
    commandTimeoutSeconds: config.commands.timeoutSeconds,
    verifyTimeoutSeconds: config.verify.timeoutSeconds,
    network: allowHosts.length > 0 ? "allowlist" : "none",
    allowHosts: [...allowHosts],
  };
}
