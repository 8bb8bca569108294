// Runs the checks of one speed through the run's sandbox, one after another, and turns each
// command's output into findings; the raw log never leaves here.
import { realpath } from "node:fs/promises";
import type { Finding, VerifierResult } from "../core/finding.ts";
import { formatDuration } from "../report/figures.ts";
import type { ExecResult, Sandbox } from "../sandbox/sandbox.ts";
import { relativizeFindings } from "./finding-paths.ts";
import { missingProgram, unavailableHint } from "./missing-program.ts";
import { genericParser, tailFinding } from "./parsers/generic-parser.ts";
import { locateGoTestFiles } from "./parsers/go-test-paths.ts";
import { locateJvmTestFiles } from "./parsers/jvm-test-paths.ts";
import { stripAnsi } from "./parsers/output-text.ts";
import { findParser } from "./parsers/parser-registry.ts";
import { checkLine, summarizeReport } from "./summarize.ts";
import type { VerificationReport, VerifierCommand, VerifySpeed } from "./verifier.ts";

/** Output kept per check; a test suite that prints more is truncated, and the summary says so. */
export const maxCheckOutputBytes = 4 * 1024 * 1024;
/** Size of `report.summary`; callers that show the agent a summary pick their own budget. */
export const defaultSummaryChars = 6_000;

function commandLine(command: VerifierCommand): string {
  const quote = (word: string): string =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
  return [command.command, ...command.args].map(quote).join(" ");
}

/**
 * Findings for a check that did not pass: the parser's, else the generic fallback's. Parsed
 * warnings alone do not explain a failure (another tool in the same script may have failed), so
 * the output's tail goes with them.
 */
function failureFindings(
  parsed: Finding[],
  output: string,
  exitCode: number | null,
): { findings: Finding[]; unparsed: boolean } {
  if (parsed.length === 0) return { findings: genericParser.parse(output, exitCode), unparsed: true };
  if (parsed.some((finding) => finding.severity !== "warning")) return { findings: parsed, unparsed: false };
  const tail = tailFinding(output, exitCode);
  const message = `exit ${exitCode ?? "by signal"} with warnings only; the output ends: ${tail.message}`;
  return { findings: [...parsed, { ...tail, message }], unparsed: false };
}

async function runOne(
  sandbox: Sandbox,
  command: VerifierCommand,
  worktrees: string[],
  signal: AbortSignal,
): Promise<VerifierResult> {
  const result = await sandbox.exec({
    command: command.command,
    args: command.args,
    cwd: command.cwd,
    timeoutMs: command.timeoutMs,
    maxOutputBytes: maxCheckOutputBytes,
    signal,
  });
  return toVerifierResult(command, result, worktrees);
}

/**
 * What one check's run comes to: its findings (from its parser, else the generic fallback) with
 * worktree-relative files, and its summary line. `worktrees` lists the root's spellings.
 */
export function toVerifierResult(
  command: VerifierCommand,
  result: Pick<ExecResult, "exitCode" | "signal" | "output" | "timedOut" | "truncated" | "durationMs">,
  worktrees: string[],
): VerifierResult {
  const passed = result.exitCode === 0 && !result.timedOut;
  // Colour codes go once here, before any parser: checks run with a CI runner's colours, not NO_COLOR.
  const output = stripAnsi(result.output);
  const parser = findParser(command.parser) ?? genericParser;
  const isGeneric = parser === genericParser;
  // A passing check's tail is not a finding; a specific parser may still report warnings.
  const parsed = passed && isGeneric ? [] : parser.parse(output, result.exitCode);
  const { findings, unparsed } = passed
    ? { findings: parsed, unparsed: false }
    : failureFindings(isGeneric ? [] : parsed, output, result.exitCode);
  const extra: Finding[] = [];
  if (result.timedOut) {
    extra.push({
      kind: "unknown",
      message: `timed out after ${formatDuration(command.timeoutMs)} and was stopped`,
    });
  } else if (result.exitCode === null) {
    extra.push({ kind: "unknown", message: `killed by ${result.signal ?? "a signal"} (out of memory?)` });
  }
  const verifierResult: VerifierResult = {
    name: command.name,
    command: commandLine(command),
    passed,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    findings: [
      ...extra,
      ...relativizeFindings(
        locateJvmTestFiles(
          locateGoTestFiles(findings, worktrees[0] ?? "", command.cwd),
          worktrees[0] ?? "",
          command.cwd,
        ),
        worktrees,
        command.cwd,
      ),
    ],
    summary: "",
    unparsed: !passed && (unparsed || isGeneric),
    rawChars: result.output.length,
  };
  const missing = passed ? undefined : missingProgram(output, result.exitCode);
  if (missing !== undefined) return unavailableResult(verifierResult, missing);
  verifierResult.summary = checkLine(verifierResult, result.truncated);
  return verifierResult;
}

/** A check whose program is not installed here: one finding saying so and how to go on, no guesses. */
function unavailableResult(result: VerifierResult, program: string): VerifierResult {
  const message = `not available here: ${program}; ${unavailableHint(result.name, program)}`;
  return {
    ...result,
    findings: [{ kind: "unknown", severity: "error", message }],
    unparsed: false,
    unavailable: program,
    summary: `✗ ${result.name}: not available here: ${program}`,
  };
}

/** A check left out because an earlier check of its CI job failed: CI would not have run it either. */
function notRunResult(command: VerifierCommand, failed: string): VerifierResult {
  const notRun = `${failed} failed before it`;
  return {
    name: command.name,
    command: commandLine(command),
    passed: false,
    exitCode: null,
    timedOut: false,
    durationMs: 0,
    findings: [],
    summary: `- ${command.name}: not run: ${notRun}`,
    unparsed: false,
    rawChars: 0,
    notRun,
  };
}

/**
 * Run every command that has `speed`, in order, through `sandbox`. Passed means every one exited 0
 * in time; with no command at that speed the report passes and its summary says nothing ran.
 * Throws the signal's reason when aborted.
 */
export async function runVerifiers(
  sandbox: Sandbox,
  commands: VerifierCommand[],
  speed: VerifySpeed,
  signal: AbortSignal,
): Promise<VerificationReport> {
  const selected = commands.filter((command) => command.speeds.includes(speed));
  const worktrees = [sandbox.worktree];
  const real = await realpath(sandbox.worktree).catch(() => sandbox.worktree);
  if (real !== sandbox.worktree) worktrees.push(real);
  const results: VerifierResult[] = [];
  /** The first failed check of each CI job in this pass. */
  const failedJobs = new Map<string, string>();
  for (const command of selected) {
    signal.throwIfAborted();
    const failed = command.job === undefined ? undefined : failedJobs.get(command.job);
    if (failed !== undefined) {
      results.push(notRunResult(command, failed));
      continue;
    }
    const result = await runOne(sandbox, command, worktrees, signal);
    results.push(result);
    if (!result.passed && command.job !== undefined) failedJobs.set(command.job, command.name);
    signal.throwIfAborted();
  }
  const report: VerificationReport = {
    speed,
    passed: results.every((result) => result.passed),
    results,
    summary: "",
  };
  report.summary = summarizeReport(report, defaultSummaryChars);
  return report;
}
