// Reads TypeScript compiler output, both `file(line,col): error TSxxxx: message` and the
// `--pretty` form `file:line:col - error TSxxxx: message` with its code frame.
import type { Finding, FindingKind } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { dedent, isRunnerNoise, outputLines, trimBlankLines } from "./output-text.ts";

const plainHeader = /^(\S.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const prettyHeader = /^(\S.*?):(\d+):(\d+) - error (TS\d+): (.*)$/;
const globalHeader = /^error (TS\d+): (.*)$/;
const summaryLine = /^Found \d+ errors?\b/;
/** Lines of code frame and message chain kept per error. */
const maxContextLines = 10;

interface Header {
  file?: string;
  line?: number;
  column?: number;
  code: string;
  message: string;
}

function readHeader(line: string): Header | undefined {
  const plain = plainHeader.exec(line) ?? prettyHeader.exec(line);
  if (plain) {
    const [, file, row, column, code, message] = plain;
    return { file: file!, line: Number(row), column: Number(column), code: code!, message: message! };
  }
  const global = globalHeader.exec(line);
  if (global) return { code: global[1]!, message: global[2]! };
  return undefined;
}

/** TS1xxx codes are syntax errors; the rest come from the type checker or the configuration. */
function kindOf(code: string): FindingKind {
  return /^TS1\d{3}$/.test(code) ? "compile" : "type";
}

/** A line that continues the previous error: message chain, code frame, related location. */
function isContinuation(line: string, pretty: boolean): boolean {
  if (isRunnerNoise(line)) return false;
  if (pretty) return !summaryLine.test(line) && readHeader(line) === undefined;
  return /^\s/.test(line) && line.trim() !== "";
}

/** Parse tsc output into one finding per error, with the message chain or code frame as context. */
export function parseTscOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = readHeader(lines[index]!);
    if (!header) continue;
    const pretty = prettyHeader.test(lines[index]!);
    const context: string[] = [];
    while (index + 1 < lines.length && isContinuation(lines[index + 1]!, pretty)) {
      context.push(lines[index + 1]!);
      index++;
    }
    const kept = trimBlankLines(dedent(trimBlankLines(context))).slice(0, maxContextLines);
    const finding: Finding = { kind: kindOf(header.code), rule: header.code, message: header.message };
    if (header.file !== undefined) {
      finding.file = header.file;
      finding.line = header.line;
      finding.column = header.column;
    }
    if (kept.length > 0) finding.context = kept.join("\n");
    findings.push(finding);
  }
  return findings;
}

export const tscParser: OutputParser = {
  name: "tsc",
  parse: (output) => parseTscOutput(output),
};
