// Reads Vitest's default reporter: the "Failed Suites", "Failed Tests" and "Unhandled Errors"
// sections after the run, one block per failure (` FAIL  file > suite > test`, the error, the diff,
// ` ❯ file:line:col`). Vitest's TAP reporters go to the TAP reader.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { failureToFinding } from "./node-test-failure.ts";
import { looksLikeTap } from "./node-test-parser.ts";
import { isRunnerNoise, outputLines, trimBlankLines } from "./output-text.ts";
import { parseTapOutput } from "./tap-parser.ts";

const sectionHeader = /^⎯+ (Failed Suites|Failed Tests|Unhandled Errors?) \d*\s*⎯+$/;
/** `⎯⎯⎯[2/4]⎯` between blocks, a bare rule after the last unhandled error, or another titled rule. */
const blockRule = /^⎯+(\[\d+\/\d+\]⎯*)?$/;
const titledRule = /^⎯+ (.+?) ⎯+$/;
const failHeader = /^ FAIL {1,2}(?:\|[^|]+\| )?(.+?)(?: \[ .+ \])?$/;
/** ` ❯ file:line:col`, or ` ❯ functionName file:line:col`. */
const locationLine = /^\s*❯ (?:\S+ )?(\S+:\d+:\d+)$/;
/**
 * The totals Vitest prints on stdout while the failures go to stderr: they may land between two
 * failure blocks in the combined output, so they are skipped rather than read as the end.
 */
const totalsLine = /^\s*(Test Files|Tests|Start at|Duration|Errors|Type Errors|Snapshots)\s{2}/;
const maxErrorLines = 14;

interface Block {
  /** The FAIL headers sharing this error (Vitest groups tests that failed the same way). */
  headers: string[];
  body: string[];
  section: string;
}

/** Split the failure sections into blocks, each with its FAIL headers and the lines under them. */
function readBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let section: string | undefined;
  let current: Block | undefined;
  for (const line of lines) {
    if (totalsLine.test(line) || isRunnerNoise(line)) continue;
    const header = sectionHeader.exec(line);
    if (header) {
      section = header[1];
      current = undefined;
      continue;
    }
    if (!section) continue;
    if (blockRule.test(line)) {
      current = undefined;
      continue;
    }
    if (failHeader.test(line)) {
      if (!current || current.body.length > 0) {
        current = { headers: [], body: [], section };
        blocks.push(current);
      }
      current.headers.push(line);
      continue;
    }
    // An unhandled error has no FAIL header: its block starts at a titled rule or the first line.
    if (titledRule.test(line) || !current) {
      current = { headers: [], body: [], section };
      blocks.push(current);
      if (titledRule.test(line)) continue;
    }
    current.body.push(line);
  }
  return blocks.filter((block) => block.headers.length > 0 || block.body.some((line) => line.trim() !== ""));
}

/** `test/a.test.ts > suite > name` → the file and the test's full name (the file when none). */
function splitHeader(header: string): { file: string; fullName: string } {
  const text = failHeader.exec(header)![1]!;
  const [file, ...names] = text.split(" > ");
  return { file: file!, fullName: names.length > 0 ? names.join(" > ") : file! };
}

/** The error lines (message and diff) and the first location of the block. */
function readError(body: string[]): { errorLines: string[]; location?: string } {
  const locationIndex = body.findIndex((line) => locationLine.test(line));
  const end = locationIndex < 0 ? body.length : locationIndex;
  const errorLines = trimBlankLines(body.slice(0, end).filter((line) => !/^\s*(Plugin|File): /.test(line)));
  // The first frame in the project; Vitest's own frames (a file that did not compile) do not count.
  const frame = body
    .map((line) => locationLine.exec(line)?.[1])
    .find((found) => found !== undefined && !found.includes("node_modules/") && !found.startsWith("node:"));
  const fileLine = body.map((line) => /^\s*File: (\S+:\d+(?::\d+)?)$/.exec(line)?.[1]).find(Boolean);
  return { errorLines: errorLines.slice(0, maxErrorLines), location: frame ?? fileLine };
}

function unhandledFinding(block: Block): Finding | undefined {
  const { errorLines, location } = readError(block.body);
  const message = errorLines.find((line) => /^\w*(Error|Exception|Rejection)\b/.test(line.trim()));
  if (!message) return undefined;
  const finding: Finding = { kind: "unknown", message: `unhandled ${message.trim()}` };
  const where = location === undefined ? undefined : /^(.+):(\d+):\d+$/.exec(location);
  if (where) {
    finding.file = where[1]!;
    finding.line = Number(where[2]);
  }
  return finding;
}

/** Findings from Vitest's default (or verbose) reporter, or its TAP reporters. */
export function parseVitestOutput(output: string): Finding[] {
  const lines = outputLines(output);
  if (looksLikeTap(lines)) return parseTapOutput(output);
  const findings: Finding[] = [];
  for (const block of readBlocks(lines)) {
    if (block.headers.length === 0) {
      const finding = unhandledFinding(block);
      if (finding) findings.push(finding);
      continue;
    }
    const { errorLines, location } = readError(block.body);
    for (const header of block.headers) {
      const { file, fullName } = splitHeader(header);
      // A location in another file (a helper) is still where it failed; the header's file is the fallback.
      const declaredAt = location ?? `${file}:1`;
      findings.push(failureToFinding({ fullName, declaredAt, errorLines, stack: [], preamble: [] }));
    }
  }
  return findings;
}

export const vitestParser: OutputParser = {
  name: "vitest",
  parse: (output) => parseVitestOutput(output),
};
