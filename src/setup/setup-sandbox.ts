// Runs a setup plan in a sandbox of its own, made for it and ended (killAll, dispose) before this
// returns: nothing the install started, and nothing it wrote to the sandbox's HOME (an .npmrc with
// a token, caches that saw it), outlives the setup. The run's setup stage and `slipway setup` share it.
// With `caches`, the repository's package-manager download caches are mounted for the setup only.
import type { EgressDecision } from "../sandbox/egress/egress-decision.ts";
import type { SandboxBackend, SandboxOptions } from "../sandbox/sandbox.ts";
import { cacheEnvFor, mountDownloadCaches, unmountDownloadCaches } from "./caches/download-caches.ts";
import { withEgressRefusals } from "./egress-refusal-cause.ts";
import type { SetupPlan } from "./plan-setup.ts";
import { readSecrets, runSetupCommands, type SetupRunResult } from "./run-setup.ts";
import { redactSecrets } from "./setup-cause.ts";

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

/** Refused hosts kept for a failed setup's cause line: the first few tell the story. */
const maxRefusals = 20;

/**
 * `options` whose egress callback also keeps the proxy's refusals (distinct hosts, bounded) in
 * `refusals`, so a failed install's cause names them instead of only the tool's "403 Forbidden".
 * Every decision loses the secret values first: its host name is the sandbox's text, and a script
 * holding a secret may put it there (the proxy lowercases the name, so the lowercase value goes too).
 */
function keepingRefusals(
  options: SandboxOptions,
  refusals: EgressDecision[],
  secretValues: readonly string[],
): SandboxOptions {
  const hidden = [...secretValues, ...secretValues.map((value) => value.toLowerCase())];
  return {
    ...options,
    onEgress: (seen) => {
      const decision = {
        ...seen,
        host: redactSecrets(seen.host, hidden),
        reason: redactSecrets(seen.reason, hidden),
      };
      const known = refusals.some((kept) => kept.host === decision.host);
      if (decision.verdict === "refused" && !known && refusals.length < maxRefusals) refusals.push(decision);
      options.onEgress?.(decision);
    },
  };
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
    const refusals: EgressDecision[] = [];
    const sandbox = await request.backend.create(
      keepingRefusals(request.options, refusals, Object.values(secrets)),
    );
    try {
      const result = await runSetupCommands(sandbox, commands, {
        secrets,
        timeoutMs: request.timeoutMs,
        timeoutMinutes: request.timeoutMinutes,
        signal: request.signal,
      });
      if (result.passed || result.cause === undefined) return result;
      // A refused host name is the sandbox's text: a script holding a secret may have put it there.
      const output = result.results.at(-1)?.outputTail ?? "";
      const cause = redactSecrets(withEgressRefusals(result.cause, refusals, output), Object.values(secrets));
      return { ...result, cause };
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
