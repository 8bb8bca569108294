// What every stage of one run can use: its records, its services, and what earlier stages left.
import type { LanguageModel, ToolSet } from "ai";
import type { AgentSession } from "../agent/agent-session.ts";
import type { Price, SlipwayConfig } from "../config/config-schema.ts";
import type { RunEventBody, RunEventData, RunEventType } from "../core/events/run-events.ts";
import type { Run, RunOutcome, RunStage, Task } from "../core/run.ts";
import type { Forge } from "../forge/forge.ts";
import type { GuardPolicy } from "../judge/guards/guard.ts";
import type { Sandbox, SandboxBackend } from "../sandbox/sandbox.ts";
import type { SetupOutcome } from "../setup/setup-outcome.ts";
import type { RunUpdate, Store } from "../store/store.ts";
import type { AgentTool } from "../tools/tool.ts";
import type { LoadedRepoVerifyConfig } from "../verify/repo-config.ts";
import type { VerificationReport } from "../verify/verifier.ts";

/** A progress notice for whoever watches the run (the CLI prints these): one typed event. */
export type ProgressEvent = { runId: string; stage: RunStage } & RunEventBody;

export interface RunServices {
  store: Store;
  config: SlipwayConfig;
  dataDir: string;
  model: LanguageModel;
  price: Price | undefined;
  sandboxBackend: SandboxBackend;
  tools: ReadonlyMap<string, AgentTool>;
  modelTools: ToolSet;
  /** Retries of one model call on transient errors. */
  modelRetries: number;
  onProgress: (event: ProgressEvent) => void;
  /** The independent judge's model; absent when judge.enabled is false. */
  judge?: { model: LanguageModel; modelName: string; price: Price | undefined };
  /** Where the publish stage pushes the branch and opens the pull request (built before the run). */
  forge: Forge;
}

export interface RunContext {
  services: RunServices;
  task: Task;
  run: Run;
  signal: AbortSignal;
  /** Epoch ms when the run started; wall-time limits count from here. */
  startedAt: number;
  mirrorPath?: string;
  sandbox?: Sandbox;
  session?: AgentSession;
  finishSummary?: string;
  /** Findings of a failed gate, handed back to the agent in the next agent stage. */
  gateFeedback?: string;
  gateFailures: number;
  verification?: VerificationReport;
  /** The full verification's summary as the agent saw it; the judge reads it too. */
  verificationSummary?: string;
  /** Scope-guard policy of this run, fixed when the worktree is made (before the agent runs). */
  guardPolicy?: GuardPolicy;
  /** The repository's verification settings at the base commit (undefined: none), read once at workspace time. */
  repoVerifyConfig?: LoadedRepoVerifyConfig;
  /** What the setup stage installed: the seam warm snapshots build on (which directories it produced). */
  setup?: SetupOutcome;
  /** The tree the gate froze after the agent finished: the gate verifies, review reads and commit records it. */
  frozenTree?: string;
}

/** What a stage decided: the next stage, what to save on the run, and an outcome when it is known. */
export interface StageResult {
  next: RunStage;
  update?: RunUpdate;
  outcome?: RunOutcome;
  outcomeDetail?: string;
}

export type Stage = (context: RunContext) => Promise<StageResult>;

/** Append an event to the run's trace and tell the watcher; `data` must match `type`'s schema (tsc checks). */
export async function recordEvent<T extends RunEventType>(
  context: RunContext,
  type: T,
  data: RunEventData<T>,
): Promise<void> {
  const event = await context.services.store.appendEvent({
    runId: context.run.id,
    at: new Date().toISOString(),
    type,
    stage: context.run.stage,
    data,
  });
  context.services.onProgress({ ...progressBody(type, data), runId: event.runId, stage: event.stage });
}

/** The generic pair as its union member: `data` was checked against `type` where it was recorded. */
function progressBody<T extends RunEventType>(type: T, data: RunEventData<T>): RunEventBody {
  return { type, data } as RunEventBody;
}

/** The reason a run's signal is aborted with when someone cancelled it (`slipway cancel`). */
export class RunCancellation extends Error {
  constructor(message = "the run was cancelled") {
    super(message);
    this.name = "RunCancellation";
  }
}

/** True when `signal` was aborted because the run was cancelled, not stopped or timed out. */
export function wasCancelled(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof RunCancellation;
}
