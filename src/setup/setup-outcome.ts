// What a finished setup leaves for the stages after it (and for warm snapshots): which directories
// it produced, what it ran and how long it took. Never holds a secret value.
import type { SetupPlan } from "./plan-setup.ts";
import type { SetupRunResult } from "./run-setup.ts";

export interface SetupOutcome {
  passed: boolean;
  source: SetupPlan["source"];
  ecosystems: string[];
  /** Directories relative to the worktree that the setup filled (e.g. node_modules, .venv). */
  producedDirectories: string[];
  commands: string[];
  durationMs: number;
  cause?: string;
  /** The warm snapshot restored instead of installing (no command ran), when one was. */
  restoredFrom?: string;
  /** How it was restored: copy-on-write overlay mounts, or a copy. */
  restoredBy?: "overlay" | "copy";
}

/**
 * The outcome of `plan` run to `result` (or skipped: no result), for the run's state; `kept` are
 * the produced directories copied aside for the gate.
 */
export function setupOutcomeOf(
  plan: SetupPlan,
  result: SetupRunResult | undefined,
  kept: string[],
  durationMs: number,
): SetupOutcome {
  return {
    passed: result?.passed ?? true,
    source: plan.source,
    ecosystems: plan.ecosystems,
    producedDirectories: kept,
    commands: plan.commands.map((command) => command.name),
    durationMs,
    ...(result?.cause ? { cause: result.cause } : {}),
  };
}
