// Stage gate: after finish, Slipway ends the agent's processes, freezes the worktree into a tree and
// runs the full verification itself, within the run's wall time. A failure goes back to the agent
// with the findings, a bounded number of times; then the run ends as verify_failed. Checks that
// change a file of the frozen tree end the run: what was verified must be what is committed.

import { type RunState, withRunState } from "../core/run-state.ts";
import { releaseOfflineCaches, withOfflineEnv } from "../setup/caches/offline-caches.ts";
import { releaseSetupMounts, restoreSetupDirectories } from "../setup/setup-copy.ts";
import { seesLaterMounts, snapshotTree } from "../setup/snapshots/warm-setup.ts";
import { noChecksRefusal } from "../verify/no-checks.ts";
import { runVerifiers } from "../verify/run-verifiers.ts";
import { summarizeReport } from "../verify/summarize.ts";
import type { VerificationReport } from "../verify/verifier.ts";
import { changedPathsBetween, removeFilesOutsideTree } from "../workspace/worktree-commit.ts";
import { checksForRun } from "./checks-for-run.ts";
import { changedSinceFreeze, describePaths, freezeWorktree } from "./frozen-tree.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";
import { deadlineSignal, pastDeadline, timeLimitDetail } from "./run-deadline.ts";
import { showOfflineCaches } from "./stage-agent.ts";

function verificationState(context: RunContext, report: VerificationReport): RunState {
  return withRunState(context.run.state, {
    frozenTree: context.frozenTree,
    verification: report.results.map(({ name, passed, durationMs, summary: line }) => ({
      name,
      passed,
      durationMs,
      summary: line,
    })),
  });
}

export async function gateStage(context: RunContext): Promise<StageResult> {
  if (pastDeadline(context)) {
    return { next: "cleanup", outcome: "time_limit", outcomeDetail: timeLimitDetail(context, "the gate") };
  }
  const sandbox = context.sandbox!;
  // Setup's downloads go before the tree is frozen: nothing of a cache can be committed.
  await releaseOfflineCaches(sandbox.worktree, context.services.dataDir);
  const tree = await freezeWorktree(context);
  const files = await changedPathsBetween(
    context.mirrorPath!,
    sandbox.worktree,
    context.run.baseCommit!,
    tree,
    context.signal,
  );
  if (files.length === 0) {
    await recordEvent(context, "gate-end", { passed: true, changed: 0 });
    return {
      next: "cleanup",
      outcome: "no_change",
      outcomeDetail: "the agent changed no file",
      update: { filesChanged: [] },
    };
  }
  // A warm run's overlays hold the agent's writes: unmounted (and detached in the sandbox) first.
  await releaseSetupMounts(sandbox.worktree);
  // The checks see the frozen tree and nothing else: no ignored runner, cache or build output of the agent's.
  const removed = await removeFilesOutsideTree(context.mirrorPath!, sandbox.worktree, tree, context.signal);
  // The dependencies go back as setup installed them, not as the agent may have left them.
  // A warm run has no setup copy: its dependencies come from the snapshot it restored (read only).
  const warmKey = context.setup?.restoredFrom;
  const dependencies = await restoreSetupDirectories(
    sandbox.worktree,
    context.setup?.producedDirectories ?? [],
    context.signal,
    warmKey ? snapshotTree(context.services.dataDir, warmKey) : undefined,
    // Mounted again only where each check's sandbox sees host mounts made after the sandbox started.
    warmKey !== undefined &&
      context.setup?.restoredBy === "overlay" &&
      seesLaterMounts(context.services.sandboxBackend.name),
  );
  const { commands, notes } = await checksForRun(context);
  // Nothing to run is not a pass: the agent cannot fix it (the settings are the base commit's).
  const refusal = noChecksRefusal(commands, context.repoVerifyConfig?.config.none ?? false);
  if (refusal) {
    return {
      next: "cleanup",
      outcome: "verify_failed",
      outcomeDetail: refusal,
      update: { filesChanged: files },
    };
  }
  // Setup's Cargo/Go/Maven/Gradle downloads, each check writing to its own private layer only.
  const offline = await showOfflineCaches(context);
  await recordEvent(context, "verify-start", {
    removedOutsideTree: removed.slice(0, 20),
    restoredFromSetup: dependencies.restored,
    dependenciesMounted: dependencies.mounted ?? false,
    notRestored: dependencies.skipped,
    speed: "full",
    checks: commands.map((command) => command.name),
    notes: [
      ...notes,
      ...offline.notes,
      ...offline.ecosystems.map((name) => `setup's ${name} downloads shown offline`),
    ],
  });
  let report: VerificationReport;
  try {
    // context.sandbox: on docker, showing the caches replaced the sandbox by one that binds them.
    report = await runVerifiers(
      withOfflineEnv(context.sandbox!, offline.env),
      commands,
      "full",
      deadlineSignal(context),
    );
  } finally {
    await releaseOfflineCaches(sandbox.worktree, context.services.dataDir);
  }
  // A check cut to the time left ends at the deadline: the run is out of time, not failed.
  if (pastDeadline(context)) {
    return { next: "cleanup", outcome: "time_limit", outcomeDetail: timeLimitDetail(context, "the gate") };
  }
  const changed = await changedSinceFreeze(context, "after the gate");
  const summary = summarizeReport(report, context.services.config.verify.summaryChars);
  context.verification = report;
  context.verificationSummary = summary;
  await recordEvent(context, "verify-end", {
    speed: "full",
    passed: report.passed,
    results: report.results,
    summary,
  });
  const update = { filesChanged: files, state: verificationState(context, report) };
  if (changed.length > 0) {
    return {
      next: "cleanup",
      outcome: "verify_failed",
      outcomeDetail: `the checks changed files of the verified tree (${describePaths(changed)}); nothing is committed`,
      update,
    };
  }
  if (report.passed) return { next: "review", update };
  return gateFailed(context, report, summary, update);
}

function gateFailed(
  context: RunContext,
  report: VerificationReport,
  summary: string,
  update: StageResult["update"],
): StageResult {
  context.gateFailures += 1;
  const retriesLeft = context.services.config.verify.maxRetries - context.gateFailures;
  if (retriesLeft < 0) {
    return { next: "cleanup", outcome: "verify_failed", outcomeDetail: report.summary, update };
  }
  context.gateFeedback = [
    `Verification after finish failed (${retriesLeft} ${retriesLeft === 1 ? "retry" : "retries"} left after this one). Fix these and call finish again:`,
    summary,
  ].join("\n");
  return { next: "agent", update };
}
