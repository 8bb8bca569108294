// `slipway setup --repo DIR` as a service: plan the setup of a directory that is the user's own (with
// its own .slipway.yml) and run it there in a sandbox that reaches only the registries' hosts.
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import { type SandboxConfigSlice, sandboxOptionsFor } from "../sandbox/sandbox-options.ts";
import { repoConfigFiles } from "../verify/repo-config.ts";
import { existingDirectory } from "../verify/verify-directory.ts";
import { planSetup, type SetupPlan, type SetupSettings } from "./plan-setup.ts";
import { readManifest } from "./repo-files.ts";
import { parseRepoSetupConfig } from "./repo-setup-config.ts";
import type { SetupRunResult } from "./run-setup.ts";
import { runSetupInOwnSandbox } from "./setup-sandbox.ts";

export interface SetupDirectoryRequest {
  directory: string;
  backend: SandboxBackend;
  config: SandboxConfigSlice & { setup: SetupSettings & { timeoutMinutes: number } };
  /** Detect and print only; run nothing. */
  dryRun: boolean;
  signal: AbortSignal;
}

export interface SetupDirectoryResult {
  directory: string;
  sandbox: string;
  plan: SetupPlan;
  /** Absent on a dry run or when there was nothing to run. */
  result?: SetupRunResult;
}

/** The plan for `directory` with its own `.slipway.yml` (read through safe-fs: never a link or FIFO). */
export async function planDirectorySetup(directory: string, settings: SetupSettings): Promise<SetupPlan> {
  for (const file of repoConfigFiles) {
    const text = await readManifest(directory, file);
    if (text !== undefined) return planSetup(directory, parseRepoSetupConfig(file, text), settings);
  }
  return planSetup(directory, undefined, settings);
}

/** Plan the setup of `request.directory` and (unless a dry run) run it there, in place. */
export async function setupDirectory(request: SetupDirectoryRequest): Promise<SetupDirectoryResult> {
  const directory = await existingDirectory(request.directory);
  const { config } = request;
  const plan = await planDirectorySetup(directory, config.setup);
  const base = { directory, sandbox: request.backend.name, plan };
  if (request.dryRun || plan.commands.length === 0) return base;
  const result = await runSetupInOwnSandbox({
    backend: request.backend,
    options: sandboxOptionsFor(config, directory, plan.allowHosts),
    plan,
    timeoutMs: config.setup.timeoutMinutes * 60_000,
    timeoutMinutes: config.setup.timeoutMinutes,
    signal: request.signal,
  });
  return { ...base, result };
}
