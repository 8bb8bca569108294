// Stage gate: after finish, Slipway runs the full verification itself. A failure goes back to the
// agent with the findings, a bounded number of times; then the run ends as verify_failed.

import { detectVerifiers } from "../verify/detect.ts";
import { runVerifiers } from "../verify/run-verifiers.ts";
import { summarizeReport } from "../verify/summarize.ts";
import { changedFiles } from "../workspace/worktree.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

export async function gateStage(context: RunContext): Promise<StageResult> {
  const { services } = context;
  const sandbox = context.sandbox!;
  const files = await changedFiles(context.mirrorPath!, sandbox.worktree);
  if (files.length === 0) {
    await recordEvent(context, "gate-end", { passed: true, changed: 0 });
    return {
      next: "cleanup",
      outcome: "no_change",
      outcomeDetail: "the agent changed no file",
      update: { filesChanged: [] },
    };
  }
  const { commands, notes } = await detectVerifiers(sandbox.worktree);
  await recordEvent(context, "verify-start", {
    speed: "full",
    checks: commands.map((command) => command.name),
    notes,
  });
  const report = await runVerifiers(sandbox, commands, "full", context.signal);
  context.verification = report;
  const summary = summarizeReport(report, services.config.verify.summaryChars);
  context.verificationSummary = summary;
  await recordEvent(context, "verify-end", {
    speed: "full",
    passed: report.passed,
    results: report.results,
    summary,
  });
  const state = {
    ...context.run.state,
    verification: report.results.map(({ name, passed, durationMs, summary: line }) => ({
      name,
      passed,
      durationMs,
      summary: line,
    })),
  };
  if (report.passed) return { next: "review", update: { filesChanged: files, state } };
  context.gateFailures += 1;
  const retriesLeft = services.config.verify.maxRetries - context.gateFailures;
  if (retriesLeft < 0) {
    return {
      next: "cleanup",
      outcome: "verify_failed",
      outcomeDetail: report.summary,
      update: { filesChanged: files, state },
    };
  }
  context.gateFeedback = [
    `Verification after finish failed (${retriesLeft} ${retriesLeft === 1 ? "retry" : "retries"} left after this one). Fix these and call finish again:`,
    summary,
  ].join("\n");
  return { next: "agent", update: { filesChanged: files, state } };
}
