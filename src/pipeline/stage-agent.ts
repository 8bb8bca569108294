// Stage agent: run the built-in agent loop until it calls finish, or a limit or the model ends it.
// Every tool call and fast check ends by the run's deadline; nothing the agent started outlives it.

import { runAgentLoop } from "../agent/agent-loop.ts";
import { answerFinish, newAgentSession } from "../agent/agent-session.ts";
import { discloseInstructions, openInstructions } from "../agent/instructions-disclosure.ts";
import { buildSystemPrompt, buildTaskMessage } from "../agent/system-prompt.ts";
import type { RecordRunEvent } from "../core/events/run-events.ts";
import { withRunState } from "../core/run-state.ts";
import { readReviewRecord } from "../judge/review/review-record.ts";
import { sandboxOptionsFor } from "../sandbox/sandbox-options.ts";
import {
  mountOfflineCaches,
  type OfflineCaches,
  releaseOfflineCaches,
  withOfflineEnv,
} from "../setup/caches/offline-caches.ts";
import { setupOwnedPaths } from "../setup/setup-owned-paths.ts";
import { seesLaterMounts } from "../setup/snapshots/warm-setup.ts";
import { pinnedManagerBin, withPinnedManagerPath } from "../tools/pinned-manager-path.ts";
import type { ToolContext } from "../tools/tool.ts";
import { changedFiles } from "../workspace/worktree-commit.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";
import { deadlineSignal, withinDeadline } from "./run-deadline.ts";

/**
 * Show setup's Cargo/Go/Maven/Gradle downloads to the sandbox's commands (see offline-caches). A
 * sandbox that sees host mounts made after it started (bwrap) gets them in the worktree; a docker
 * container keeps the mounts of its creation, so it is replaced by one that binds the overlays
 * (mounted beside the worktree) at their place. `context.sandbox` may be a new sandbox after this.
 */
export async function showOfflineCaches(context: RunContext): Promise<OfflineCaches> {
  const { services } = context;
  const backend = services.sandboxBackend.name;
  const docker = backend === "docker";
  if (!services.config.cache.enabled || !(docker || seesLaterMounts(backend)))
    return { env: {}, ecosystems: [], notes: [], binds: [] };
  const worktree = context.sandbox!.worktree;
  const offline = await mountOfflineCaches({
    dataDir: services.dataDir,
    repo: context.task.repo,
    worktree,
    outside: docker,
    signal: context.signal,
  });
  if (!docker || offline.binds.length === 0) return offline;
  try {
    await context.sandbox!.dispose();
    context.sandbox = undefined;
    context.sandbox = await services.sandboxBackend.create({
      ...sandboxOptionsFor(services.config, worktree),
      run: { id: context.run.id, attempt: context.run.attempt },
      cacheBinds: offline.binds,
    });
  } catch (error) {
    await releaseOfflineCaches(worktree, services.dataDir);
    throw error;
  }
  return offline;
}

function toolContextFor(
  context: RunContext,
  signal: AbortSignal,
  offlineEnv: Record<string, string>,
  pinnedBin: string | undefined,
): ToolContext {
  const { config } = context.services;
  const sandbox = withPinnedManagerPath(withOfflineEnv(context.sandbox!, offlineEnv), pinnedBin);
  return {
    worktree: sandbox.worktree,
    sandbox,
    commandAllowlist: config.commands.allowlist,
    // A getter: each command gets what is left of the run's time when it starts, not at stage start.
    get commandTimeoutMs() {
      return withinDeadline(context, config.commands.timeoutSeconds * 1000);
    },
    mirrorPath: context.mirrorPath,
    signal,
    verify: async (verifySignal) => {
      // Loaded at the first verify call: the run's start does not wait for the checks' modules.
      const [{ checksForRun }, { narrowFastChecks }, { runVerifiers }, { summarizeReport }] =
        await Promise.all([
          import("./checks-for-run.ts"),
          import("../verify/nearest-tests.ts"),
          import("../verify/run-verifiers.ts"),
          import("../verify/summarize.ts"),
        ]);
      const { commands } = await checksForRun(context);
      // The fast set runs the tests nearest to what the agent changed, where the ecosystem allows.
      // What setup installed is not the agent's change (a .venv's own test_*.py files are no nearest tests).
      const setAside = setupOwnedPaths(context.setup?.producedDirectories ?? []);
      const changed = await changedFiles(context.mirrorPath!, sandbox.worktree, verifySignal, setAside);
      const nearest = await narrowFastChecks(commands, sandbox.worktree, changed);
      const report = await runVerifiers(sandbox, nearest, "fast", verifySignal);
      await recordEvent(context, "verify-end", {
        speed: "fast",
        passed: report.passed,
        results: report.results,
      });
      return summarizeReport(report, config.verify.summaryChars);
    },
  };
}

export async function agentStage(context: RunContext): Promise<StageResult> {
  const { services, task } = context;
  const record: RecordRunEvent = (type, data) => recordEvent(context, type, data);
  if (!context.session) {
    await record("agent-start", { task: task.text });
    // The repository's instructions come from the base commit's objects, never from the worktree.
    const instructions = await openInstructions(
      context.mirrorPath!,
      context.run.baseCommit!,
      record,
      context.signal,
    );
    context.session = newAgentSession(
      buildTaskMessage(task.text, instructions.taskGuidance),
      instructions.state,
    );
  } else if (context.gateFeedback) {
    answerFinish(context.session, context.gateFeedback);
    context.gateFeedback = undefined;
  }
  const system = buildSystemPrompt({
    taskText: task.text,
    commandAllowlist: services.config.commands.allowlist,
    verifyMaxRetries: services.config.verify.maxRetries,
  });
  const instructions = context.session.instructions;
  // Made afresh each time the agent (re)starts: the gate took them away before freezing the tree.
  const offline = await showOfflineCaches(context);
  // The package manager package.json pinned at the base, as setup installed it, before any other.
  const pinnedBin = await pinnedManagerBin(
    context.mirrorPath!,
    context.run.baseCommit!,
    context.sandbox!.worktree,
    context.signal,
  );
  const result = await runAgentLoop(context.session, {
    model: services.model,
    price: services.price,
    system,
    tools: services.tools,
    modelTools: services.modelTools,
    toolContext: toolContextFor(context, deadlineSignal(context), offline.env, pinnedBin),
    toolOutputChars: services.config.toolOutputChars,
    limits: context.run.limits,
    runStartedAt: context.startedAt,
    otherUsage: readReviewRecord(context.run.state).judgeUsage,
    record,
    saveUsage: async (turns, usage) => {
      context.run = await services.store.updateRun(context.run.id, { turns, usage });
    },
    signal: context.signal,
    modelRetries: services.modelRetries,
    discloseInstructions: instructions
      ? (touchedPath) =>
          discloseInstructions(instructions, touchedPath, {
            mirrorPath: context.mirrorPath!,
            record,
            signal: context.signal,
          })
      : undefined,
  });
  // Whatever the agent left running ends here, before anything reads its work.
  await context.sandbox!.killAll();
  const update = { turns: context.session.turns, usage: context.session.usage };
  if (result.kind === "finished") {
    context.finishSummary = result.summary;
    return {
      next: "gate",
      update: { ...update, state: withRunState(context.run.state, { summary: result.summary }) },
    };
  }
  if (result.kind === "limit")
    return { next: "cleanup", update, outcome: result.outcome, outcomeDetail: result.detail };
  return { next: "cleanup", update, outcome: "model_failed", outcomeDetail: result.detail };
}
