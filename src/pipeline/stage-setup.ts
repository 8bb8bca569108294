// Stage setup: install the repository's dependencies before the agent starts, in a sandbox of its
// own on the run's worktree that may reach only the package registries, with the secrets named in
// setup.secretEnv in its commands' environment. That sandbox is ended (killAll, dispose) before the
// agent's sandbox, which has no network and no secret, is created. A failed setup ends the run as
// setup_failed with a one-line cause, before any model call.
import { withRunState } from "../core/run-state.ts";
import type { EgressDecision } from "../sandbox/egress/egress-decision.ts";
import { sandboxOptionsFor } from "../sandbox/sandbox-options.ts";
import { planSetup, type SetupPlan } from "../setup/plan-setup.ts";
import type { SetupRunResult } from "../setup/run-setup.ts";
import { keepSetupDirectories } from "../setup/setup-copy.ts";
import { setupOutcomeOf } from "../setup/setup-outcome.ts";
import { runSetupInOwnSandbox } from "../setup/setup-sandbox.ts";
import type { SnapshotKey } from "../setup/snapshots/snapshot-key.ts";
import { restoreWarm, saveWarm, type WarmContext, warmKey } from "../setup/snapshots/warm-setup.ts";
import { readBaseRepoConfig, setupConfigOf } from "./base-verify-config.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";
import { deadlineSignal, pastDeadline, timeLimitDetail, withinDeadline } from "./run-deadline.ts";

/** Egress decisions recorded per setup: enough to see what it reached, never an unbounded trace. */
const maxEgressEvents = 200;

async function planFor(context: RunContext): Promise<SetupPlan> {
  const { config } = context.services;
  // The repository's setup settings come from the base commit's objects, like its verify settings.
  const repoConfig = await readBaseRepoConfig(context.mirrorPath!, context.run.baseCommit!, context.signal);
  return planSetup(context.run.worktree!, setupConfigOf(repoConfig), {
    allowHosts: config.setup.allowHosts,
    secretEnv: config.setup.secretEnv,
  });
}

/** Run the plan in a sandbox of its own that only it uses, ended before this returns. */
async function runInSetupSandbox(context: RunContext, plan: SetupPlan): Promise<SetupRunResult> {
  const { services } = context;
  const { config } = services;
  let egressEvents = 0;
  const options = {
    ...sandboxOptionsFor(config, context.run.worktree!, plan.allowHosts),
    run: { id: context.run.id, attempt: context.run.attempt },
    onEgress: (decision: EgressDecision) => {
      if (egressEvents++ >= maxEgressEvents) return;
      // Recorded without waiting: the proxy's callback must not throw or block.
      void recordEvent(context, "setup-egress", { ...decision }).catch(() => undefined);
    },
  };
  return runSetupInOwnSandbox({
    backend: services.sandboxBackend,
    options,
    plan,
    timeoutMs: withinDeadline(context, config.setup.timeoutMinutes * 60_000),
    timeoutMinutes: config.setup.timeoutMinutes,
    signal: deadlineSignal(context),
    // Downloads kept for the repository's next cold install (never seen by the agent or the gate).
    ...(config.cache.enabled ? { caches: { dataDir: services.dataDir, repo: context.task.repo } } : {}),
  });
}

function warmContext(context: RunContext): WarmContext {
  return {
    dataDir: context.services.dataDir,
    worktree: context.run.worktree!,
    maxBytes: context.services.config.cache.maxBytes,
    // A run that restored a snapshot reads it again at its gate, within its wall time.
    inUseMs: context.services.config.limits.maxMinutes * 60_000,
    sandbox: context.services.sandboxBackend.name,
    signal: context.signal,
  };
}

/** The snapshot key when warm snapshots apply to this plan (something to install and keep). */
async function keyFor(context: RunContext, plan: SetupPlan): Promise<SnapshotKey | undefined> {
  const { config } = context.services;
  if (!config.cache.enabled || !config.setup.enabled) return undefined;
  if (plan.commands.length === 0 || plan.producedDirectories.length === 0) return undefined;
  const key = await warmKey({
    repo: context.task.repo,
    mirrorPath: context.mirrorPath!,
    baseCommit: context.run.baseCommit!,
    plan,
    sandbox: context.services.sandboxBackend.name,
    dataDir: context.services.dataDir,
    signal: context.signal,
  });
  if ("problem" in key) {
    plan.notes.push(key.problem);
    return undefined;
  }
  return key;
}

/** Restore the warm snapshot of `key` (recorded as setup-restore); what it restored, if it did. */
async function restoredDirectories(context: RunContext, key: SnapshotKey | undefined) {
  if (!key) return undefined;
  const restore = await restoreWarm(warmContext(context), key.key);
  if (!restore) return undefined;
  await recordEvent(context, "setup-restore", { ...restore });
  return restore.restored ? restore : undefined;
}

export async function setupStage(context: RunContext): Promise<StageResult> {
  const { services } = context;
  const started = performance.now();
  const plan = await planFor(context);
  const enabled = services.config.setup.enabled;
  await recordEvent(context, "setup-start", {
    enabled,
    source: plan.source,
    ecosystems: plan.ecosystems,
    commands: plan.commands.map(({ name, cwd }) => ({ name, cwd })),
    allowHosts: plan.allowHosts,
    secretNames: plan.secretNames,
    notes: plan.notes,
  });
  const key = await keyFor(context, plan);
  const restore = await restoredDirectories(context, key);
  const warm = restore?.directories;
  const result =
    !warm && enabled && plan.commands.length > 0 ? await runInSetupSandbox(context, plan) : undefined;
  const passed = result?.passed ?? true;
  // Kept beside the worktree (no sandbox mounts it) for the gate to restore after its clean-up.
  const kept =
    warm ??
    (passed && result
      ? await keepSetupDirectories(context.run.worktree!, plan.producedDirectories, context.signal)
      : []);
  if (key && !warm && result?.passed && kept.length > 0)
    await recordEvent(
      context,
      "setup-snapshot",
      await saveWarm(warmContext(context), key, context.task.repo, kept),
    );
  const outcome = {
    ...setupOutcomeOf(plan, result, kept, Math.round(performance.now() - started)),
    ...(restore ? { commands: [], restoredFrom: key!.key, restoredBy: restore.mode } : {}),
  };
  await recordEvent(context, "setup-end", { ...outcome, results: result?.results ?? [], notes: plan.notes });
  const update = { state: withRunState(context.run.state, { setup: outcome }) };
  if (result && !result.passed) {
    const detail = pastDeadline(context) ? timeLimitDetail(context, "setup") : result.cause;
    const ended = pastDeadline(context) ? "time_limit" : "setup_failed";
    return { next: "cleanup", outcome: ended, outcomeDetail: detail, update };
  }
  context.setup = outcome;
  // The agent's sandbox: no allowHosts, so no network; created only once the setup's is gone.
  // Labelled with the run and attempt: recovery removes its container once the run's lease is gone.
  context.sandbox = await services.sandboxBackend.create({
    ...sandboxOptionsFor(services.config, context.run.worktree!),
    run: { id: context.run.id, attempt: context.run.attempt },
  });
  return { next: "agent", update };
}
