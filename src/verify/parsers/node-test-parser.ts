// The parser for node's built-in test runner: picks the TAP or the spec reader by the output's shape.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { parseNodeTestSpec } from "./node-test-spec.ts";
import { parseNodeTestTap } from "./node-test-tap.ts";
import { outputLines } from "./output-text.ts";

/** True when the output is TAP (`TAP version 13`, or `not ok N` result lines). */
export function looksLikeTap(lines: string[]): boolean {
  return lines.some((line) => /^TAP version \d+/.test(line) || /^\s*not ok \d+\b/.test(line));
}

/** Failing tests from `node --test` output, spec or TAP. */
export function parseNodeTestOutput(output: string): Finding[] {
  const lines = outputLines(output);
  return looksLikeTap(lines) ? parseNodeTestTap(lines) : parseNodeTestSpec(lines);
}

export const nodeTestParser: OutputParser = {
  name: "node-test",
  parse: (output) => parseNodeTestOutput(output),
};
