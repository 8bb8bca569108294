// Reads Jest's default reporter: `FAIL file` per test file, then one `● suite › test` block per
// failing test with the error, the diff, a code frame and the stack. "Test suite failed to run"
// (a file that did not load) is reported under the file's name with the error that stopped it.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { failureToFinding } from "./node-test-failure.ts";
import { dedent, outputLines, trimBlankLines } from "./output-text.ts";

const fileHeader = /^(FAIL|PASS)\s+(?:\S+\s+)??(\S+\.\w+)(?:\s+\([\d.]+ m?s\))?\s*$/;
const blockHeader = /^ {2}● (.+)$/;
/** A code frame line: `    > 6 |     expect(…)` or `      7 |   });` (the caret line has no number). */
const codeFrameLine = /^\s*>?\s*\d*\s+\|/;
const suiteFailure = "Test suite failed to run";

interface Block {
  file?: string;
  title: string;
  body: string[];
}

function readBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let file: string | undefined;
  let current: Block | undefined;
  for (const line of lines) {
    const header = fileHeader.exec(line);
    if (header) {
      file = header[2];
      current = undefined;
      continue;
    }
    const block = blockHeader.exec(line);
    if (block && block[1] !== "Console") {
      current = { file, title: block[1]!.trim(), body: [] };
      blocks.push(current);
      continue;
    }
    // The block ends at the first line that is not indented (the next file or the totals).
    if (current && line.trim() !== "" && !line.startsWith(" ")) current = undefined;
    else current?.body.push(line);
  }
  return blocks;
}

/** Error lines (message, expected/received or diff) end where the code frame or the stack starts. */
function splitBody(body: string[]): { errorLines: string[]; stack: string[] } {
  const lines = dedent(trimBlankLines(body));
  const frameStart = lines.findIndex((line) => codeFrameLine.test(line) || /^\s*at /.test(line));
  const errorLines = trimBlankLines(frameStart < 0 ? lines : lines.slice(0, frameStart));
  const stack = lines.filter((line) => /^\s*at /.test(line)).map((line) => line.trim());
  return { errorLines, stack };
}

/** For a file that did not load, the line naming the real error beats Jest's general advice. */
function suiteErrorLines(errorLines: string[]): string[] {
  const index = errorLines.findIndex((line) => /^\s*\w*(Error|Exception)\b[^:]*: /.test(line));
  return index < 0 ? errorLines : errorLines.slice(index);
}

/** Findings from Jest's default reporter; a test failing twice in the output is reported once. */
export function parseJestOutput(output: string): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const block of readBlocks(outputLines(output))) {
    const isSuite = block.title === suiteFailure;
    const fullName = isSuite ? (block.file ?? suiteFailure) : block.title.split(" › ").join(" > ");
    const key = `${block.file ?? ""}\u0000${fullName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { errorLines, stack } = splitBody(block.body);
    // Frames are relative to Jest's root; a frame in the failing file is the assertion's line.
    const inFile = block.file ? stack.find((frame) => frame.includes(`(${block.file}:`)) : undefined;
    const finding = failureToFinding({
      fullName,
      errorLines: isSuite ? suiteErrorLines(errorLines) : errorLines,
      stack: inFile ? [inFile, ...stack] : stack,
      preamble: [],
    });
    if (finding.file === undefined && block.file !== undefined) finding.file = block.file;
    // Babel's syntax errors end with "(line:column)"; its stack is all inside node_modules.
    const syntax = isSuite ? /\((\d+):(\d+)\)$/.exec(finding.message) : null;
    // "SyntaxError: /abs/path/test/a.test.js: Missing semicolon." names the file the finding has.
    if (isSuite && block.file) {
      const prefix = /^(\w*Error): (\S+): /.exec(finding.message);
      if (prefix?.[2]?.endsWith(block.file))
        finding.message = `${prefix[1]}: ${finding.message.slice(prefix[0].length)}`;
    }
    if (syntax && finding.line === undefined) finding.line = Number(syntax[1]);
    findings.push(finding);
  }
  return findings;
}

export const jestParser: OutputParser = {
  name: "jest",
  parse: (output) => parseJestOutput(output),
};
