// Stage review: after the gate passes, the deterministic scope guards read the diff, then the
// independent LLM judge. A guard failure or a veto goes back to the agent once; a second one ends
// the run (guard_failed, vetoed). A judge without a valid verdict fails closed (judge_failed).

import { addUsage, emptyUsage } from "../core/run.ts";
import { type RunState, withRunState } from "../core/run-state.ts";
import type { ParsedDiff } from "../judge/diff/parse-diff.ts";
import { reviewLimitsFor } from "../judge/diff/review-limits.ts";
import { collectDiff } from "../judge/guards/collect-diff.ts";
import { formatGuardFindings, runGuards } from "../judge/guards/registry.ts";
import { formatVeto, runJudge } from "../judge/llm-judge/run-judge.ts";
import { type ReviewRecord, readReviewRecord } from "../judge/review/review-record.ts";
import { remainingBudget, wouldExceed } from "../models/run-limits.ts";
import { runGit } from "../workspace/git.ts";
import { worktreeGitOptions } from "../workspace/worktree-admin.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";
import { deadlineSignal, pastDeadline, timeLimitDetail, withinDeadline } from "./run-deadline.ts";

/** Guard failures and vetoes each get this many second chances. */
export const reviewRetries = 1;
const judgeCallTimeoutMs = 5 * 60_000;

/**
 * The diff from the base commit to the tree the gate froze, parsed (binary changes described).
 * The worktree is not read: review sees exactly what the gate verified and the commit stage records.
 */
async function runDiff(context: RunContext): Promise<ParsedDiff> {
  const options = await worktreeGitOptions(context.mirrorPath!, context.sandbox!.worktree);
  const git = async (args: string[], limit?: { maxOutputBytes?: number }) =>
    (await runGit(args, { ...options, signal: context.signal, ...limit })).stdout;
  // Counted first: a change over the guard policy's file and line limits is refused unread.
  return collectDiff(
    git,
    context.run.baseCommit!,
    context.frozenTree!,
    reviewLimitsFor(context.guardPolicy!),
  );
}

function withRecord(context: RunContext, record: ReviewRecord): RunState {
  return withRunState(context.run.state, { review: record });
}

function backToAgent(context: RunContext, record: ReviewRecord, feedback: string): StageResult {
  context.gateFeedback = feedback;
  return { next: "agent", update: { state: withRecord(context, record) } };
}

export async function reviewStage(context: RunContext): Promise<StageResult> {
  if (pastDeadline(context)) {
    return { next: "cleanup", outcome: "time_limit", outcomeDetail: timeLimitDetail(context, "review") };
  }
  // Nothing of the agent's may run while its work is judged (the gate ended it; this proves it again).
  await context.sandbox!.killAll();
  const record = readReviewRecord(context.run.state);
  const diff = await runDiff(context);
  const guards = runGuards(diff, context.guardPolicy!);
  record.guardRounds = [...record.guardRounds, { passed: guards.passed, findings: guards.findings.length }];
  await recordEvent(context, "guards-end", { passed: guards.passed, findings: guards.findings });
  if (!guards.passed) {
    const findings = formatGuardFindings(guards.findings);
    const failures = record.guardRounds.filter((round) => !round.passed).length;
    if (failures > reviewRetries) {
      return {
        next: "cleanup",
        outcome: "guard_failed",
        outcomeDetail: findings.split("\n")[0],
        update: { state: withRecord(context, record) },
      };
    }
    return backToAgent(
      context,
      record,
      `The scope guards refused the change (this is your one chance to fix it). Fix these, then call finish again:\n${findings}`,
    );
  }
  return judgeStep(context, record, diff);
}

async function judgeStep(context: RunContext, record: ReviewRecord, diff: ParsedDiff): Promise<StageResult> {
  const judge = context.services.judge;
  if (!judge) {
    await recordEvent(context, "judge-skip", { reason: "judge.enabled is false" });
    return { next: "commit", update: { state: withRecord(context, record) } };
  }
  const { config } = context.services;
  // The judge spends from the run's limits: what the agent and earlier reviews used is gone.
  const spent = addUsage(context.session?.usage ?? context.run.usage ?? emptyUsage, record.judgeUsage);
  const result = await runJudge({
    model: judge.model,
    price: judge.price,
    task: context.task.text,
    diff,
    verification: context.verificationSummary ?? "",
    chunkChars: config.judge.chunkChars,
    signal: deadlineSignal(context),
    timeoutMs: withinDeadline(context, judgeCallTimeoutMs),
    modelRetries: context.services.modelRetries,
    record: (type, data) => recordEvent(context, type, data),
    budget: remainingBudget(context.run.limits, spent),
    saveUsage: async (callUsage) => {
      // Saved per call, so an interrupted review's cost is in the run's totals.
      record.judgeModel = judge.modelName;
      record.judgeUsage = addUsage(record.judgeUsage, callUsage);
      record.judgeCalls += 1;
      context.run = await context.services.store.updateRun(context.run.id, {
        state: withRecord(context, record),
      });
    },
  });
  record.judgeModel = judge.modelName;
  if (result.kind === "limit") {
    await recordEvent(context, "judge-end", { valid: false, detail: result.detail, usage: result.usage });
    return {
      next: "cleanup",
      outcome: result.outcome,
      outcomeDetail: `${result.detail}; nothing is committed without a verdict`,
      update: { state: withRecord(context, record) },
    };
  }
  if (result.kind === "failed") {
    await recordEvent(context, "judge-end", { valid: false, detail: result.detail, usage: result.usage });
    if (config.judge.required) {
      return {
        next: "cleanup",
        outcome: "judge_failed",
        outcomeDetail: `${result.detail}; nothing is committed without a verdict (judge.required)`,
        update: { state: withRecord(context, record) },
      };
    }
    record.unjudged = true;
    return { next: "commit", update: { state: withRecord(context, record) } };
  }
  const { verdict } = result;
  record.verdicts = [...record.verdicts, verdict];
  await recordEvent(context, "judge-end", { valid: true, ...verdict, usage: result.usage });
  // The budget check before each call uses an estimate; the run's real totals decide.
  const over = wouldExceed(remainingBudget(context.run.limits, spent), result.usage, emptyUsage);
  if (over) {
    return {
      next: "cleanup",
      outcome: over.outcome,
      outcomeDetail: over.detail,
      update: { state: withRecord(context, record) },
    };
  }
  if (verdict.verdict === "approve")
    return { next: "commit", update: { state: withRecord(context, record) } };
  const vetoes = record.verdicts.filter((each) => each.verdict === "veto").length;
  if (vetoes > reviewRetries) {
    const first = verdict.problems[0];
    return {
      next: "cleanup",
      outcome: "vetoed",
      outcomeDetail: first
        ? `${first.file}: [${first.kind}] ${first.explanation}`
        : "the judge vetoed the change",
      update: { state: withRecord(context, record) },
    };
  }
  return backToAgent(context, record, formatVeto(verdict));
}
