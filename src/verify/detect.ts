// Finds a worktree's checks: every registered ecosystem detector, then the repository's
// `.slipway.yml`, which may add, override or replace them.
import type { DetectDefaults } from "./ecosystem.ts";
import { ecosystemDetectors } from "./ecosystem-registry.ts";
import { applyRepoConfig, loadRepoVerifyConfig } from "./repo-config.ts";
import type { VerifierCommand } from "./verifier.ts";

/** Time limit of one check when neither the caller nor `.slipway.yml` sets one. */
export const defaultCheckTimeoutMs = 900_000;

export interface DetectOptions {
  /** Time limit of each detected check (declared checks may set their own). */
  timeoutMs?: number;
}

export interface DetectedVerifiers {
  commands: VerifierCommand[];
  /** What was detected, skipped or overridden, and why: for the trace, never for the model. */
  notes: string[];
}

/**
 * Detect the checks of `worktree`. Throws a ConfigError when `.slipway.yml` is invalid, naming
 * the file and the key.
 */
export async function detectVerifiers(
  worktree: string,
  options: DetectOptions = {},
): Promise<DetectedVerifiers> {
  const defaults: DetectDefaults = { timeoutMs: options.timeoutMs ?? defaultCheckTimeoutMs };
  const detected: VerifierCommand[] = [];
  const notes: string[] = [];
  // Fallback detectors come last and are asked only when no other detector found a check.
  const detectors = [...ecosystemDetectors.values()].sort(
    (a, b) => Number(a.fallback ?? false) - Number(b.fallback ?? false),
  );
  for (const detector of detectors) {
    if (detector.fallback && detected.length > 0) continue;
    const found = await detector.detect(worktree, defaults);
    if (!found) continue;
    detected.push(...found.commands);
    notes.push(...found.notes);
  }
  const repoConfig = await loadRepoVerifyConfig(worktree);
  let commands = detected;
  if (repoConfig) {
    const { file, config } = repoConfig;
    commands = applyRepoConfig(detected, config, defaults);
    const names = config.commands.map((check) => check.name).join(", ");
    if (config.replace) notes.push(`${file} replaces the detected checks with: ${names || "none"}`);
    else if (names) notes.push(`${file} declares: ${names}`);
  }
  if (commands.length === 0) {
    notes.push("no checks found: declare some under verify.commands in .slipway.yml");
  }
  return { commands, notes };
}
