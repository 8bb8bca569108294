// Finds a worktree's checks: every registered ecosystem detector, then the checks the project's CI
// runs (which replace the detectors' guesses of the kinds they cover), then the repository's
// `.slipway.yml` settings, which may add, override or replace them. A run passes the settings and
// CI files it read at the base commit; only `slipway verify --repo DIR` reads the directory's own.

import { checkoutFilesIn } from "./ci-config/checkout-files.ts";
import { deriveCiChecks } from "./ci-config/ci-checks.ts";
import type { CiFiles } from "./ci-config/ci-file.ts";
import { readCiFilesInDirectory } from "./ci-config/ci-files-in-directory.ts";
import { preferCiChecks } from "./ci-config/prefer-ci-checks.ts";
import type { DetectDefaults } from "./ecosystem.ts";
import { ecosystemDetectors } from "./ecosystem-registry.ts";
import { applyRepoConfig, type LoadedRepoVerifyConfig, loadRepoVerifyConfig } from "./repo-config.ts";
import type { VerifierCommand } from "./verifier.ts";

/** Time limit of one check when neither the caller nor `.slipway.yml` sets one. */
export const defaultCheckTimeoutMs = 900_000;

export interface DetectOptions {
  /** Time limit of each detected check (declared checks may set their own). */
  timeoutMs?: number;
  /**
   * The repository's CI files (read at the base commit for a run), from which the checks the CI
   * runs are derived; undefined: none are read (`.slipway.yml`'s `verify.fromCi: false` also turns it off).
   */
  ciFiles?: CiFiles;
}

export interface DetectedVerifiers {
  commands: VerifierCommand[];
  /** What was detected, skipped or overridden, and why: for the trace, never for the model. */
  notes: string[];
  /** The repository declares it has no checks (`verify.none`), so running none may pass. */
  declaredNone: boolean;
}

/**
 * Detect the checks of a directory that is the user's own (`slipway verify --repo DIR`), with the
 * settings of its own `.slipway.yml`. Throws a ConfigError when that file is invalid, naming the
 * file and the key. A run uses `detectRunVerifiers`: its worktree's file is the agent's.
 */
export async function detectVerifiers(
  directory: string,
  options: DetectOptions = {},
): Promise<DetectedVerifiers> {
  const ciFiles = options.ciFiles ?? (await readCiFilesInDirectory(directory));
  return detectRunVerifiers(directory, await loadRepoVerifyConfig(directory), { ...options, ciFiles });
}

/**
 * Detect the checks of `worktree` with the repository settings `repoConfig` (read by the caller at
 * the base commit, before the agent could edit them; undefined: none). The worktree's own
 * `.slipway.yml` is never read.
 */
export async function detectRunVerifiers(
  worktree: string,
  repoConfig: LoadedRepoVerifyConfig | undefined,
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
  let commands = detected;
  // `.slipway.yml` replacing every check leaves nothing for the CI's checks to replace.
  if (options.ciFiles && repoConfig?.config.fromCi !== false && !repoConfig?.config.replace) {
    const derived = await deriveCiChecks(options.ciFiles, defaults, checkoutFilesIn(worktree));
    const preferred = preferCiChecks(detected, derived.checks);
    commands = preferred.commands;
    notes.push(...derived.notes, ...preferred.notes);
  } else if (options.ciFiles && options.ciFiles.files.length > 0 && !repoConfig?.config.replace) {
    notes.push(`${repoConfig?.file}: verify.fromCi is false, so no checks are derived from the CI files`);
  }
  if (repoConfig) {
    const { file, config } = repoConfig;
    const before = new Set(commands.map((command) => command.name));
    for (const command of config.commands) before.add(command.name);
    commands = applyRepoConfig(commands, config, defaults);
    if (config.skip.length > 0) {
      const unknown = config.skip.filter((name) => !before.has(name));
      notes.push(`${file} skips: ${config.skip.join(", ")}`);
      if (unknown.length > 0) notes.push(`${file}: verify.skip names no check: ${unknown.join(", ")}`);
    }
    const names = config.commands.map((check) => check.name).join(", ");
    if (config.replace) notes.push(`${file} replaces the detected checks with: ${names || "none"}`);
    else if (names) notes.push(`${file} declares: ${names}`);
  }
  const declaredNone = repoConfig?.config.none ?? false;
  if (commands.length === 0) {
    notes.push(
      declaredNone
        ? `${repoConfig?.file} declares that the repository has no checks (verify.none)`
        : "no checks found: declare some under verify.commands in .slipway.yml",
    );
  }
  return { commands, notes, declaredNone };
}
