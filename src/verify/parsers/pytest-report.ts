// Reads the parts of pytest's terminal report that say what failed: the short test summary
// (`FAILED nodeid - message`, `ERROR nodeid - message`) and the ERRORS and FAILURES sections,
// one block per test under a `____ name ____` headline.

/** One `FAILED` or `ERROR` line of the short test summary. */
export interface SummaryEntry {
  outcome: "failed" | "error";
  nodeId: string;
  /** The message after ` - `, often cut short by pytest to fit the terminal. */
  message?: string;
}

/** A `file:line` that a traceback in a block points at. */
export interface TracebackLocation {
  file: string;
  line: number;
}

/** One test's block in the ERRORS or FAILURES section. */
export interface ReportBlock {
  outcome: "failed" | "error";
  /** `setup`, `teardown` or `collecting` for errors; undefined for failures. */
  phase?: string;
  /** The headline's test name (`Class.test[param]`) or, for collection errors, the module path. */
  name: string;
  locations: TracebackLocation[];
  /** The last group of `E` lines (the final exception), with the `E` prefix removed. */
  errorLines: string[];
}

export interface PytestReport {
  entries: SummaryEntry[];
  blocks: ReportBlock[];
}

const majorHeader = /^={3,} ?(.*?) ?={3,}$/;
const headline = /^_+ (.+?) _+$/;
const errorHeadline = /^ERROR (?:at (setup|teardown) of (.+)|(collecting) (.+))$/;
const summaryLine = /^(FAILED|ERROR) (.+)$/;
// `tests/test_a.py:10: in test_x` (--tb=short) or `tests/test_a.py:10: AssertionError` (--tb=long).
const locationLine = /^(\S[^:]*?\.py):(\d+): \S/;
const errorLine = /^E(?: |$)(.*)$/;
const capturedHeader = /^-{3,} (?:Captured|generated|live log) .*-{3,}$/;

/** Split `nodeid - message` at the first ` - ` outside the test's [parameter] brackets. */
export function splitSummaryText(text: string): { nodeId: string; message?: string } {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "[") depth++;
    else if (char === "]") depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith(" - ", index)) {
      return { nodeId: text.slice(0, index), message: text.slice(index + 3).trim() };
    }
  }
  return { nodeId: text.trim() };
}

function newBlock(section: string, title: string): ReportBlock {
  if (section === "ERRORS") {
    const match = errorHeadline.exec(title);
    if (match) {
      const phase = match[1] ?? match[3]!;
      return { outcome: "error", phase, name: (match[2] ?? match[4]!).trim(), locations: [], errorLines: [] };
    }
    return { outcome: "error", name: title, locations: [], errorLines: [] };
  }
  return { outcome: "failed", name: title, locations: [], errorLines: [] };
}

/** Add one line of a block's body: a traceback location, or a line of the final exception. */
function readBlockLine(block: ReportBlock, line: string, state: { inErrors: boolean; captured: boolean }) {
  if (capturedHeader.test(line)) state.captured = true;
  if (state.captured) return;
  const error = errorLine.exec(line);
  if (error) {
    if (!state.inErrors) block.errorLines = [];
    state.inErrors = true;
    block.errorLines.push(error[1]!);
    return;
  }
  state.inErrors = false;
  const location = locationLine.exec(line);
  if (location) block.locations.push({ file: location[1]!, line: Number(location[2]) });
}

/** Read the summary entries and the per-test blocks of pytest output split into `lines`. */
export function readPytestReport(lines: string[]): PytestReport {
  const entries: SummaryEntry[] = [];
  const blocks: ReportBlock[] = [];
  let section = "";
  let block: ReportBlock | undefined;
  const state = { inErrors: false, captured: false };
  for (const line of lines) {
    const major = majorHeader.exec(line);
    if (major) {
      section = major[1]!;
      block = undefined;
      continue;
    }
    if (section === "ERRORS" || section === "FAILURES") {
      const title = headline.exec(line);
      if (title) {
        block = newBlock(section, title[1]!);
        blocks.push(block);
        state.inErrors = false;
        state.captured = false;
      } else if (block) {
        readBlockLine(block, line, state);
      }
    } else if (section === "short test summary info") {
      const entry = summaryLine.exec(line);
      if (entry)
        entries.push({ outcome: entry[1] === "FAILED" ? "failed" : "error", ...splitSummaryText(entry[2]!) });
    }
  }
  return { entries, blocks };
}
