// The fallback parser: when no parser knows a tool, keep the lines that look like diagnostics
// (never a passing test's name that happens to say "error", nor a flag such as -Werror), errors
// before warnings, and the last lines of output.
import type { Finding, FindingSeverity } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, isCoverageTableLine, isRunnerNoise, outputLines } from "./output-text.ts";

/** Shapes of a diagnostic line, each with the severity it carries. */
const diagnosticPatterns: readonly [RegExp, FindingSeverity][] = [
  // file:line[:col]: error …  and  file(line,col): error …  (compilers, linters)
  [/^\S+?(:\d+(:\d+)?:|\(\d+(,\d+)?\):)\s*(fatal error|error)\b/i, "error"],
  [/^\S+?(:\d+(:\d+)?:|\(\d+(,\d+)?\):)\s*warning\b/i, "warning"],
  // Error: …, TypeError: …, error[E0308]: …, fatal: …, panic: … at the start of a line
  [/^([A-Z]\w*)?(Error|Exception)(\[\w+\])?: /, "error"],
  [/^(error|ERROR|fatal|FATAL|panic)(\[\w+\])?: /, "error"],
  // Test runners' failure markers
  [/^\s*(FAIL|FAILED)\b/, "error"],
  [/^\s*(✖|✗|×) /, "error"],
  [/^\s*not ok \d+/, "error"],
  [/^(warning|WARNING|WARN)(\[\w+\])?: /, "warning"],
];
/** A line a runner marks as passing; whatever words it holds, it is no finding. */
const passingLine = /^\s*(✔|✓|√|PASS\b|ok \d+)/;

/** How many diagnostic lines and how many tail lines to keep. */
const maxDiagnostics = 8;
const tailLines = 12;
const maxLineChars = 300;

/** The severity of `line` when it looks like a diagnostic; undefined otherwise. */
export function diagnosticSeverity(line: string): FindingSeverity | undefined {
  if (passingLine.test(line)) return undefined;
  return diagnosticPatterns.find(([pattern]) => pattern.test(line))?.[1];
}

/** Output lines without blanks and package-manager chatter. */
function meaningfulLines(output: string): string[] {
  return outputLines(output)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "" && !isRunnerNoise(line) && !isCoverageTableLine(line));
}

/** The tail of `lines` as one finding: its last line, the tail as context. */
function tailOf(lines: string[], exitCode: number | null): Finding {
  const tail = lines.map((line) => clip(line, maxLineChars));
  if (tail.length === 0) return { kind: "unknown", message: `no output (exit code ${exitCode ?? "none"})` };
  const finding: Finding = { kind: "unknown", message: tail.at(-1)!.trim() };
  if (tail.length > 1) finding.context = tail.join("\n");
  return finding;
}

/** The last lines of `output` as one finding, for a failure nothing else explains. */
export function tailFinding(output: string, exitCode: number | null): Finding {
  return tailOf(meaningfulLines(output).slice(-tailLines), exitCode);
}

/**
 * Findings for output nobody parsed: one per diagnostic line (errors first, then warnings), then
 * the tail itself, which is what explains a failure no diagnostic line names.
 */
export function parseGenericOutput(output: string, exitCode: number | null): Finding[] {
  const lines = meaningfulLines(output);
  const tailStart = Math.max(0, lines.length - tailLines);
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  // The tail's diagnostics count too: its context is the first thing a tight summary drops.
  for (const line of lines) {
    const severity = diagnosticSeverity(line);
    if (severity === "error") errors.push({ kind: "unknown", message: clip(line.trim(), maxLineChars) });
    if (severity === "warning")
      warnings.push({ kind: "unknown", severity, message: clip(line.trim(), maxLineChars) });
  }
  // The last diagnostics are nearest the failure; errors are shown before any warning.
  const kept = [...errors.slice(-maxDiagnostics), ...warnings.slice(-maxDiagnostics)].slice(
    0,
    maxDiagnostics,
  );
  return [...kept, tailOf(lines.slice(tailStart), exitCode)];
}

export const genericParser: OutputParser = {
  name: "generic",
  parse: parseGenericOutput,
};
