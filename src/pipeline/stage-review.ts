// Stage review: after the gate passes, the deterministic scope guards read the diff, then the
// independent LLM judge. A guard failure or a veto goes back to the agent once; a second one ends
// the run (guard_failed, vetoed). A judge without a valid verdict fails closed (judge_failed).
import { addUsage } from "../core/run.ts";
import { collectDiff, stageWorktreeTree } from "../judge/guards/collect-diff.ts";
import { formatGuardFindings, runGuards } from "../judge/guards/registry.ts";
import { formatVeto, runJudge } from "../judge/llm-judge/run-judge.ts";
import { type ReviewRecord, readReviewRecord } from "../judge/review/review-record.ts";
import { runGit } from "../workspace/git.ts";
import { worktreeGitOptions } from "../workspace/worktree-admin.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

/** Guard failures and vetoes each get this many second chances. */
export const reviewRetries = 1;
const judgeCallTimeoutMs = 5 * 60_000;

/** Stage the worktree and read its diff against the base, both parsed and as text for the judge. */
async function runDiff(context: RunContext) {
  const options = await worktreeGitOptions(context.mirrorPath!, context.sandbox!.worktree);
  let text = "";
  const git = async (args: string[]) => {
    const { stdout } = await runGit(args, { ...options, signal: context.signal });
    if (args[0] === "diff") text = stdout;
    return stdout;
  };
  const parsed = await collectDiff(git, context.run.baseCommit!, await stageWorktreeTree(git));
  return { parsed, text };
}

function withRecord(context: RunContext, record: ReviewRecord): Record<string, unknown> {
  return { ...context.run.state, review: record };
}

function backToAgent(context: RunContext, record: ReviewRecord, feedback: string): StageResult {
  context.gateFeedback = feedback;
  return { next: "agent", update: { state: withRecord(context, record) } };
}

export async function reviewStage(context: RunContext): Promise<StageResult> {
  const record = readReviewRecord(context.run.state);
  const diff = await runDiff(context);
  const guards = runGuards(diff.parsed, context.guardPolicy!);
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
  return judgeStep(context, record, diff.text);
}

async function judgeStep(context: RunContext, record: ReviewRecord, diffText: string): Promise<StageResult> {
  const judge = context.services.judge;
  if (!judge) {
    await recordEvent(context, "judge-skip", { reason: "judge.enabled is false" });
    return { next: "commit", update: { state: withRecord(context, record) } };
  }
  const { config } = context.services;
  const result = await runJudge({
    model: judge.model,
    price: judge.price,
    task: context.task.text,
    diff: diffText,
    verification: context.verificationSummary ?? "",
    chunkChars: config.judge.chunkChars,
    signal: context.signal,
    timeoutMs: judgeCallTimeoutMs,
    modelRetries: context.services.modelRetries,
    record: (type, data) => recordEvent(context, type, data),
  });
  record.judgeModel = judge.modelName;
  record.judgeUsage = addUsage(record.judgeUsage, result.usage);
  record.judgeCalls += result.calls;
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
