// Stage agent: run the built-in agent loop until it calls finish, or a limit or the model ends it.

import { runAgentLoop } from "../agent/agent-loop.ts";
import { answerFinish, newAgentSession } from "../agent/agent-session.ts";
import { buildSystemPrompt, buildTaskMessage } from "../agent/system-prompt.ts";
import type { ToolContext } from "../tools/tool.ts";
import { detectVerifiers } from "../verify/detect.ts";
import { narrowFastChecks } from "../verify/nearest-tests.ts";
import { runVerifiers } from "../verify/run-verifiers.ts";
import { summarizeReport } from "../verify/summarize.ts";
import { changedFiles } from "../workspace/worktree.ts";
import { type RunContext, recordEvent, type StageResult } from "./run-context.ts";

function toolContextFor(context: RunContext): ToolContext {
  const { config } = context.services;
  const sandbox = context.sandbox!;
  return {
    worktree: sandbox.worktree,
    sandbox,
    commandAllowlist: config.commands.allowlist,
    commandTimeoutMs: config.commands.timeoutSeconds * 1000,
    mirrorPath: context.mirrorPath,
    signal: context.signal,
    verify: async (signal) => {
      const { commands } = await detectVerifiers(sandbox.worktree);
      // The fast set runs the tests nearest to what the agent changed, where the ecosystem allows.
      const changed = await changedFiles(context.mirrorPath!, sandbox.worktree, signal);
      const nearest = await narrowFastChecks(commands, sandbox.worktree, changed);
      const report = await runVerifiers(sandbox, nearest, "fast", signal);
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
  if (!context.session) {
    context.session = newAgentSession(buildTaskMessage(task.text));
    await recordEvent(context, "agent-start", { task: task.text });
  } else if (context.gateFeedback) {
    answerFinish(context.session, context.gateFeedback);
    context.gateFeedback = undefined;
  }
  const system = buildSystemPrompt({
    taskText: task.text,
    commandAllowlist: services.config.commands.allowlist,
    verifyMaxRetries: services.config.verify.maxRetries,
  });
  const result = await runAgentLoop(context.session, {
    model: services.model,
    price: services.price,
    system,
    tools: services.tools,
    modelTools: services.modelTools,
    toolContext: toolContextFor(context),
    toolOutputChars: services.config.toolOutputChars,
    limits: context.run.limits,
    runStartedAt: context.startedAt,
    record: (type, data) => recordEvent(context, type, data),
    signal: context.signal,
    modelRetries: services.modelRetries,
  });
  const update = { turns: context.session.turns, usage: context.session.usage };
  if (result.kind === "finished") {
    context.finishSummary = result.summary;
    return { next: "gate", update: { ...update, state: { ...context.run.state, summary: result.summary } } };
  }
  if (result.kind === "limit")
    return { next: "cleanup", update, outcome: result.outcome, outcomeDetail: result.detail };
  return { next: "cleanup", update, outcome: "model_failed", outcomeDetail: result.detail };
}
