// The contract of an ecosystem detector: one folder per ecosystem (node/, later python/, rust/ …)
// looks at a worktree and says which checks the repository has.
import type { VerifierCommand } from "./verifier.ts";

/** What every detector needs to build commands. */
export interface DetectDefaults {
  /** Time limit of one detected check. */
  timeoutMs: number;
}

/** The checks one ecosystem found, with notes on what it skipped and why. */
export interface EcosystemDetection {
  commands: VerifierCommand[];
  notes: string[];
}

/** Detects one ecosystem's checks. Reads files only; runs nothing. */
export interface EcosystemDetector {
  /** The folder name under src/verify/, e.g. `node`. */
  readonly name: string;
  /** True for a fallback (make): asked only when no other detector found a check. */
  readonly fallback?: boolean;
  /** The checks at the worktree root, or undefined when the repository is not of this ecosystem. */
  detect(worktree: string, defaults: DetectDefaults): Promise<EcosystemDetection | undefined>;
}
