// Runs a setup plan in a sandbox of its own, made for it and ended (killAll, dispose) before this
// returns: nothing the install started, and nothing it wrote to the sandbox's HOME (an .npmrc with
// a token, caches that saw it), outlives the setup. The run's setup stage and `slipway setup` share it.
// With `caches`, the repository's package-manager download caches are mounted for the setup only.
import type { SandboxBackend, SandboxOptions } from "../sandbox/sandbox.ts";
import { cacheEnvFor, mountDownloadCaches, unmountDownloadCaches } from "./caches/download-caches.ts";
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
  /** Share download caches between setups of `repo` under `dataDir` (absent: none). */
  caches?: { dataDir: string; repo: string };
}

/** Run `request.plan` in a fresh sandbox and end that sandbox; a missing secret is noted on the plan. */
export async function runSetupInOwnSandbox(request: SetupSandboxRequest): Promise<SetupRunResult> {
  const { plan } = request;
  const { secrets, missing } = readSecrets(plan.secretNames, request.environment);
  if (missing.length > 0)
    plan.notes.push(`not set in Slipway's environment, so not handed over: ${missing.join(", ")}`);
  const worktree = request.options.worktree;
  const caches = request.caches
    ? await mountDownloadCaches({
        ...request.caches,
        worktree,
        ecosystems: plan.ecosystems,
        signal: request.signal,
      })
    : undefined;
  plan.notes.push(...(caches?.notes ?? []));
  // The caches' variables come first: a command's own (declared) environment wins.
  const commands = plan.commands.map((command) => ({
    ...command,
    env: { ...cacheEnvFor(caches, command.name), ...command.env },
  }));
  try {
    const sandbox = await request.backend.create(request.options);
    try {
      return await runSetupCommands(sandbox, commands, {
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
  } finally {
    // Gone before anything else gets a sandbox on this worktree.
    if (caches) await unmountDownloadCaches(worktree);
  }
}
