// The fallback parser: when no parser knows a tool, keep the lines that look like errors and the
// last lines of output, so the agent sees why a check failed without the whole log.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, isRunnerNoise, outputLines } from "./output-text.ts";

const relevantPattern = /error|fail|✖|✗|×|panic|exception|fatal|cannot|not found|undefined reference/i;
/** How many error-looking lines and how many tail lines to keep. */
const maxRelevantLines = 8;
const tailLines = 12;
const maxLineChars = 300;

/** Error-looking lines and the tail of `output`, package-manager chatter removed. */
export function relevantLines(output: string): { relevant: string[]; tail: string[] } {
  const lines = outputLines(output)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "" && !isRunnerNoise(line));
  const tailStart = Math.max(0, lines.length - tailLines);
  const relevant = lines
    .slice(0, tailStart)
    .filter((line) => relevantPattern.test(line))
    .slice(-maxRelevantLines);
  return {
    relevant: relevant.map((line) => clip(line.trim(), maxLineChars)),
    tail: lines.slice(tailStart).map((line) => clip(line, maxLineChars)),
  };
}

/** Findings for output nobody parsed: one per error-looking line, then the tail as context. */
export function parseGenericOutput(output: string, exitCode: number | null): Finding[] {
  const { relevant, tail } = relevantLines(output);
  const findings: Finding[] = relevant.map((line) => ({ kind: "unknown", message: line }));
  if (tail.length > 0) {
    const last = [...tail].reverse().find((line) => relevantPattern.test(line)) ?? tail[tail.length - 1]!;
    const finding: Finding = { kind: "unknown", message: last.trim() };
    if (tail.length > 1) finding.context = tail.join("\n");
    findings.push(finding);
  } else {
    findings.push({ kind: "unknown", message: `no output (exit code ${exitCode ?? "none"})` });
  }
  return findings;
}

export const genericParser: OutputParser = {
  name: "generic",
  parse: parseGenericOutput,
};
