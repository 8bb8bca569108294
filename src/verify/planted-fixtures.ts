// Small projects with a known problem planted in them (a compile error, a failing test, a lint),
// described so that tests and benchmarks can run the real toolchain on them through detection,
// the sandbox and the parsers, and check what the agent would be shown.
import type { FindingKind } from "../core/finding.ts";
import type { Sandbox } from "../sandbox/sandbox.ts";
import { detectVerifiers } from "./detect.ts";
import { runVerifiers } from "./run-verifiers.ts";
import type { VerificationReport, VerifySpeed } from "./verifier.ts";
import { makeProject, removeProject, sandboxFor } from "./verify-fixtures.ts";

/** A problem planted in a fixture, as a parser must report it. */
export interface PlantedProblem {
  kind: FindingKind;
  /** Worktree-relative; absent when the tool's output names no path (a JVM test). */
  file?: string;
  line?: number;
  rule?: string;
  /** Full name of a failing test, as the parser names it. */
  test?: string;
}

export interface PlantedFixture {
  /** Short id, e.g. `rust-failing-test`. */
  name: string;
  /** What was planted, in a few words. */
  description: string;
  /** Relative path → content. */
  files: Record<string, string>;
  /** The speed whose checks reach the planted problem. */
  speed: VerifySpeed;
  /** What the checks must find. */
  planted: PlantedProblem[];
  /** Runs after the files are written (e.g. making a script executable). */
  prepare?: (root: string) => Promise<void>;
  /** Extra environment the toolchain needs inside the sandbox. */
  environment?: () => Record<string, string>;
  /** Why this fixture cannot run on this machine, or undefined when it can. */
  unavailable: () => string | undefined;
}

export interface PlantedRun {
  report: VerificationReport;
  /** The detection notes, to say why a check is missing. */
  notes: string[];
}

/** A sandbox that adds `environment` to every command (the test's stand-in for a configured sandbox). */
export function withEnvironment(sandbox: Sandbox, environment: Record<string, string>): Sandbox {
  return {
    backend: sandbox.backend,
    worktree: sandbox.worktree,
    exec: (request) => sandbox.exec({ ...request, env: { ...environment, ...request.env } }),
    killAll: () => sandbox.killAll(),
    dispose: () => sandbox.dispose(),
  };
}

export interface PlantedRunOptions {
  /** Run this speed instead of the fixture's own. */
  speed?: VerifySpeed;
  /** Environment on top of the fixture's, e.g. a build cache shared by several runs. */
  environment?: Record<string, string>;
}

/**
 * Write `fixture` to a temp directory, detect its checks and run those of its speed through a
 * `none` sandbox; the directory is removed before this returns.
 */
export async function runPlantedFixture(
  fixture: PlantedFixture,
  signal: AbortSignal,
  options: PlantedRunOptions = {},
): Promise<PlantedRun> {
  const speed = options.speed ?? fixture.speed;
  const root = await makeProject(fixture.files);
  try {
    await fixture.prepare?.(root);
    const environment = { ...fixture.environment?.(), ...options.environment };
    const sandbox = withEnvironment(await sandboxFor(root), environment);
    try {
      const detected = await detectVerifiers(root);
      const report = await runVerifiers(sandbox, detected.commands, speed, signal);
      return { report, notes: detected.notes };
    } finally {
      await sandbox.dispose();
    }
  } finally {
    await removeProject(root);
  }
}

/** Planted problems no finding of `report` matches, described for an assertion message. */
export function missedProblems(report: VerificationReport, planted: PlantedProblem[]): string[] {
  const findings = report.results.flatMap((result) => result.findings);
  return planted
    .filter(
      (problem) =>
        !findings.some(
          (finding) =>
            finding.kind === problem.kind &&
            (problem.file === undefined || finding.file === problem.file) &&
            (problem.line === undefined || finding.line === problem.line) &&
            (problem.rule === undefined || finding.rule === problem.rule) &&
            (problem.test === undefined || finding.test === problem.test),
        ),
    )
    .map((problem) => JSON.stringify(problem));
}
