// The parser for pytest: one finding per failed or erroring test, named by its node id, with the
// file and line in the test file, the final exception's first line and a few lines after it.
import path from "node:path";
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, dedent, outputLines, trimBlankLines } from "./output-text.ts";
import {
  type ReportBlock,
  readPytestReport,
  type SummaryEntry,
  type TracebackLocation,
} from "./pytest-report.ts";

/** Lines of the final exception kept after its first line. */
const maxContextLines = 8;
const maxLineChars = 300;

/** The block headline pytest prints for a node id: `tests/a.py::Class::test[x]` → `Class.test[x]`. */
export function headlineName(nodeId: string): string {
  const parts = nodeId.split("::");
  return parts.length === 1 ? nodeId : parts.slice(1).join(".");
}

function sameFile(printed: string, nodeFile: string): boolean {
  const normalized = path.normalize(printed);
  return normalized === path.normalize(nodeFile) || normalized.endsWith(`${path.sep}${nodeFile}`);
}

/**
 * The frame in the test's own file (where the agent looks first), else the deepest frame inside
 * the project, else the deepest frame.
 */
function pickLocation(
  locations: TracebackLocation[],
  nodeFile: string | undefined,
): TracebackLocation | undefined {
  const own = locations.filter((location) => nodeFile !== undefined && sameFile(location.file, nodeFile));
  const inside = locations.filter((location) => !path.isAbsolute(location.file));
  return own.at(-1) ?? inside.at(-1) ?? locations.at(-1);
}

/** A SyntaxError's own place, as Python prints it inside the error: `File "…/mod.py", line 6`. */
const syntaxPlace = /^\s*File "(.+)", line (\d+)/;

/**
 * Where a module that failed to import is broken: a SyntaxError's own `File "…", line N`, else
 * the innermost frame inside the project (the import that failed, in whichever module made it),
 * not the test module's import line that led there.
 */
function collectionLocation(block: ReportBlock, errorLines: string[]): TracebackLocation | undefined {
  for (let index = errorLines.length - 1; index >= 0; index--) {
    const place = syntaxPlace.exec(errorLines[index]!);
    if (place) return { file: place[1]!, line: Number(place[2]) };
  }
  return block.locations.filter((location) => !path.isAbsolute(location.file)).at(-1);
}

/**
 * A SyntaxError prints its place and code before `SyntaxError: invalid syntax`: that last line
 * goes first (it becomes the message), the place and code after it (context).
 */
function syntaxErrorFirst(lines: string[]): string[] {
  if (lines.length === 0 || !syntaxPlace.test(lines[0]!)) return lines;
  const named = lines.findIndex((line) => /^\s*\w+(Error|Exception)\b/.test(line));
  if (named < 0) return lines;
  return [lines[named]!, ...lines.slice(0, named), ...lines.slice(named + 1)];
}

const phaseLabels: Record<string, string> = {
  setup: "error at setup: ",
  teardown: "error at teardown: ",
  collecting: "error collecting: ",
};

/** What one failing test is known by: its name, its file when known, and the summary's message. */
interface FailedTest {
  outcome: "failed" | "error";
  test: string;
  nodeFile?: string;
  summaryMessage?: string;
}

function findingFor(failed: FailedTest, block: ReportBlock | undefined): Finding {
  const errorLines = syntaxErrorFirst(trimBlankLines(dedent(block?.errorLines ?? [])));
  const first = errorLines[0]?.trim();
  const isError = failed.outcome === "error";
  const phase = (block?.phase && phaseLabels[block.phase]) ?? (isError ? "error: " : "");
  const detail = first || failed.summaryMessage;
  const message = detail ? `${phase}${detail}` : phase.replace(/: $/, "") || "failed";
  const finding: Finding = { kind: "test", test: failed.test, message: clip(message, 500) };
  if (failed.nodeFile) finding.file = failed.nodeFile;
  const collecting = block?.phase === "collecting" ? collectionLocation(block, errorLines) : undefined;
  const location = collecting ?? (block && pickLocation(block.locations, failed.nodeFile));
  if (location) {
    finding.file = location.file;
    finding.line = location.line;
  }
  const context = errorLines.slice(1, 1 + maxContextLines).map((line) => clip(line, maxLineChars));
  const deepest = block?.locations.at(-1);
  if (deepest && deepest !== location && !path.isAbsolute(deepest.file) && !collecting) {
    context.unshift(`raised at ${deepest.file}:${deepest.line}`);
  }
  const imported = collecting && block && pickLocation(block.locations, failed.nodeFile);
  if (imported && (imported.file !== collecting.file || imported.line !== collecting.line)) {
    context.unshift(`imported at ${imported.file}:${imported.line}`);
  }
  if (context.length > 0) finding.context = context.join("\n");
  return finding;
}

/** Pair each summary entry with its block: same outcome and the headline pytest prints for it. */
function pairBlocks(entries: SummaryEntry[], blocks: ReportBlock[]): Finding[] {
  const unused = [...blocks];
  return entries.map((entry) => {
    const name = headlineName(entry.nodeId);
    const index = unused.findIndex((block) => block.outcome === entry.outcome && block.name === name);
    const block = index >= 0 ? unused.splice(index, 1)[0] : undefined;
    const failed: FailedTest = {
      outcome: entry.outcome,
      test: entry.nodeId,
      nodeFile: entry.nodeId.split("::")[0],
      summaryMessage: entry.message,
    };
    return findingFor(failed, block);
  });
}

/**
 * Findings from pytest output: from the short test summary when there is one (so every failing
 * test is named by node id), else from the ERRORS and FAILURES blocks alone.
 */
export function parsePytestOutput(output: string): Finding[] {
  const { entries, blocks } = readPytestReport(outputLines(output));
  if (entries.length > 0) return pairBlocks(entries, blocks);
  return blocks.map((block) => {
    const nodeFile = block.phase === "collecting" ? block.name : undefined;
    return findingFor({ outcome: block.outcome, test: block.name, nodeFile }, block);
  });
}

export const pytestParser: OutputParser = {
  name: "pytest",
  parse: (output) => parsePytestOutput(output),
};
