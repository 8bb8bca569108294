// Reads Mocha's spec reporter: after "N failing", one numbered block per failure whose title runs
// over several lines (one per suite, the last ending in ":"), then the error and its stack. A file
// that does not load ("Exception during run") is a compile finding; `--reporter tap` goes to TAP.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { failureToFinding } from "./node-test-failure.ts";
import { looksLikeTap } from "./node-test-parser.ts";
import { outputLines, trimBlankLines } from "./output-text.ts";
import { parseTapOutput } from "./tap-parser.ts";

const failingCount = /^\s+\d+ failing\s*$/;
const blockStart = /^ {2}(\d+)\) (.*)$/;
const exceptionDuringRun = /^\s*Exception during run: (\w+)\[ @(\S+?)(?::(\d+))? \]: (.*)$/;
/** Title lines of one block: at most this many suites deep, so a title that never ends stops. */
const maxTitleLines = 20;

interface Block {
  title: string[];
  body: string[];
}

function readBlocks(lines: string[]): Block[] {
  const start = lines.findIndex((line) => failingCount.test(line));
  if (start < 0) return [];
  const blocks: Block[] = [];
  let current: { block: Block; titleOpen: boolean } | undefined;
  for (const line of lines.slice(start + 1)) {
    const match = blockStart.exec(line);
    if (match) {
      const first = match[2]!;
      const block: Block = { title: [first.replace(/:$/, "")], body: [] };
      current = { block, titleOpen: !first.endsWith(":") };
      blocks.push(block);
      continue;
    }
    if (!current) continue;
    if (current.titleOpen && line.trim() !== "" && current.block.title.length < maxTitleLines) {
      current.block.title.push(line.trim().replace(/:$/, ""));
      current.titleOpen = !line.trimEnd().endsWith(":");
      continue;
    }
    current.block.body.push(line);
  }
  return blocks;
}

/** Error lines end at the stack; the diff Mocha adds ("+ expected - actual") is context. */
function splitBody(body: string[]): { errorLines: string[]; stack: string[] } {
  const lines = trimBlankLines(body);
  const stackStart = lines.findIndex((line) => /^\s+at /.test(line));
  // Mocha indents its own lines by six; a multi-line message keeps its own indentation under that.
  const indent = lines[0] === undefined ? 0 : lines[0].length - lines[0].trimStart().length;
  const errorLines = (stackStart < 0 ? lines : lines.slice(0, stackStart)).map((line) =>
    (line.startsWith(" ".repeat(indent)) ? line.slice(indent) : line).trimEnd(),
  );
  const stack = stackStart < 0 ? [] : lines.slice(stackStart).filter((line) => /^\s+at /.test(line));
  return { errorLines: trimBlankLines(errorLines), stack: stack.map((line) => line.trim()) };
}

function loadFailure(lines: string[]): Finding | undefined {
  for (const line of lines) {
    const match = exceptionDuringRun.exec(line);
    if (!match) continue;
    const finding: Finding = { kind: "compile", file: match[2]!, message: `${match[1]}: ${match[4]}` };
    if (match[3] !== undefined) finding.line = Number(match[3]);
    return finding;
  }
  return undefined;
}

/** Findings from Mocha's spec reporter (or its TAP reporter). */
export function parseMochaOutput(output: string): Finding[] {
  const lines = outputLines(output);
  if (looksLikeTap(lines)) return parseTapOutput(output);
  const findings = readBlocks(lines).map((block) =>
    failureToFinding({ fullName: block.title.join(" > "), ...splitBody(block.body), preamble: [] }),
  );
  const notLoaded = loadFailure(lines);
  return notLoaded ? [notLoaded, ...findings] : findings;
}

export const mochaParser: OutputParser = {
  name: "mocha",
  parse: (output) => parseMochaOutput(output),
};
