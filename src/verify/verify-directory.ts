// Verification outside any agent run: detect a directory's checks and run them at one speed in a
// sandbox opened on that directory as it is (no worktree, no copy). Slipway writes nothing there;
// the checks themselves may (build outputs, caches), as they would in the developer's own shell.
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../core/errors.ts";
import type { SandboxBackend } from "../sandbox/sandbox.ts";
import { withOfflineEnv as withEnv } from "../setup/caches/offline-caches.ts";
import { type DetectedVerifiers, detectVerifiers } from "./detect.ts";
import { type HostCacheLocations, mountHostCaches } from "./host-caches.ts";
import { noChecksRefusal } from "./no-checks.ts";
import { runVerifiers } from "./run-verifiers.ts";
import { summarizeReport } from "./summarize.ts";
import type { VerificationReport, VerifySpeed } from "./verifier.ts";

export interface VerifyDirectoryRequest {
  /** The directory to verify, absolute or relative to the current directory. */
  directory: string;
  speed: VerifySpeed;
  backend: SandboxBackend;
  /** Sandbox limits, as a run's sandbox gets them. */
  memoryMb: number;
  maxProcesses: number;
  /** Time limit of each detected check. */
  checkTimeoutMs: number;
  /** Size of the summary, as the agent would see it. */
  summaryChars: number;
  signal: AbortSignal;
  /**
   * The invoking user's home and environment: their dependency caches (only those) are shown to the
   * checks read-only (src/verify/host-caches.ts). Absent: the checks see none.
   */
  hostCaches?: HostCacheLocations;
}

export interface VerifyDirectoryResult {
  /** The absolute directory that was verified. */
  directory: string;
  sandbox: string;
  detected: DetectedVerifiers;
  report: VerificationReport;
}

/** The absolute path of `directory`, or an InputError when it is not an existing directory. */
export async function existingDirectory(directory: string): Promise<string> {
  const absolute = path.resolve(directory);
  const stats = await stat(absolute).catch(() => undefined);
  if (!stats) throw new InputError(`--repo ${directory} does not exist; pass the directory of a checkout`);
  if (!stats.isDirectory())
    throw new InputError(`--repo ${directory} is not a directory; pass the directory of a checkout`);
  return absolute;
}

/**
 * Detect the checks of `request.directory` and run those of `request.speed` in a sandbox of
 * `request.backend`. Throws an InputError for a missing directory and a ConfigError for an invalid
 * `.slipway.yml`; a failing check is a report that did not pass, not an error; so is finding no check at all
 * in a repository that does not declare `verify.none`.
 */
export async function verifyDirectory(request: VerifyDirectoryRequest): Promise<VerifyDirectoryResult> {
  const directory = await existingDirectory(request.directory);
  const detected = await detectVerifiers(directory, { timeoutMs: request.checkTimeoutMs });
  const refusal = noChecksRefusal(detected.commands, detected.declaredNone);
  if (refusal) {
    // Nothing to run and nothing declared: a failed report, and no sandbox opened for it.
    const report: VerificationReport = { speed: request.speed, passed: false, results: [], summary: refusal };
    return { directory, sandbox: request.backend.name, detected, report };
  }
  const caches = request.hostCaches
    ? await mountHostCaches(await realpath(directory), request.hostCaches)
    : undefined;
  try {
    const sandbox = await request.backend.create({
      worktree: directory,
      allowHosts: [],
      memoryMb: request.memoryMb,
      maxProcesses: request.maxProcesses,
    });
    try {
      const env = caches?.env ?? {};
      const report = await runVerifiers(
        withEnv(sandbox, env),
        detected.commands,
        request.speed,
        request.signal,
      );
      report.summary = summarizeReport(report, request.summaryChars);
      const notes = [...detected.notes, ...(caches?.notes ?? [])];
      return { directory, sandbox: sandbox.backend, detected: { ...detected, notes }, report };
    } finally {
      await sandbox.dispose();
    }
  } finally {
    await caches?.release();
  }
}
