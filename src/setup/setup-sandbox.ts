// Runs a setup plan in a sandbox of its own, made for it and ended (killAll, dispose) before this
// returns: nothing the install started, and nothing it wrote to the sandbox's HOME (an .npmrc with
// a token, caches that saw it), outlives the setup. The run's setup stage and `slipway setup` share it.
import type { SandboxBackend, SandboxOptions } from "../sandbox/sandbox.ts";
import type { SetupPlan } from "./plan-setup.ts";
import { readSecrets, runSetupCommands, type SetupRunResult } from "./run-setup.ts";

export interface SetupSandboxRequest {
  backend: SandboxBackend;
  /** The setup sandbox's options; `allowHosts` should be the plan's. */
  options: SandboxOptions;
  plan: SetupPlan;
  timeoutMs: number;
  timeoutMinutes: number;
  signal: AbortSignal;
  /** Where the secrets named by the plan are read (the platform's environment by default). */
  environment?: NodeJS.ProcessEnv;
}

/** Run `request.plan` in a fresh sandbox and end that sandbox; a missing secret is noted on the plan. */
export async function runSetupInOwnSandbox(request: SetupSandboxRequest): Promise<SetupRunResult> {
  const { plan } = request;
  const { secrets, missing } = readSecrets(plan.secretNames, request.environment);
  if (missing.length > 0)
    plan.notes.push(`not set in Slipway's environment, so not handed over: ${missing.join(", ")}`);
  const sandbox = await request.backend.create(request.options);
  try {
    return await runSetupCommands(sandbox, plan.commands, {
      secrets,
      timeoutMs: request.timeoutMs,
      timeoutMinutes: request.timeoutMinutes,
      signal: request.signal,
    });
  } finally {
    try {
      await sandbox.killAll();
    } finally {
      await sandbox.dispose();
    }
  }
}
