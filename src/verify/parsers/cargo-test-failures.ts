// Reads failing tests from `cargo test` (libtest) output: each `---- name stdout ----` block with
// its panic message and `panicked at file:line:col`, in both the current format and the one
// before Rust 1.73 (`panicked at 'message', file:line:col`), and every name libtest marks FAILED,
// so a failing test is never lost even when its block is missing.
import type { Finding } from "../../core/finding.ts";
import { clip, trimBlankLines } from "./output-text.ts";
import { causedBy } from "./rustc-diagnostics.ts";

export interface CargoTestFailures {
  findings: Finding[];
  /** Line ranges [start, end) of the tests' own output, which no other reader should look at. */
  blocks: { start: number; end: number }[];
}

const blockHeader = /^---- (.+) stdout ----$/;
const resultLine = /^test (.+) \.\.\. FAILED$/;
/** Rust 1.73 and later: `thread 'name' (id) panicked at src/lib.rs:24:9:` then the message. */
const panicAt = /^thread '.*?'(?: \(\d+\))? panicked at (.+?):(\d+):(\d+):$/;
/** Before Rust 1.73: `thread 'name' panicked at 'message…` closed by `', src/lib.rs:24:9`. */
const panicQuoted = /^thread '.*?'(?: \(\d+\))? panicked at '(.*)$/;
const quotedEnd = /^(.*)', (.+?):(\d+):(\d+)$/;
const didNotPanic = /^note: test did not panic as expected(?: at (.+?):(\d+):(\d+))?/;
const messageEnd = /^(note: run with `RUST_BACKTRACE|stack backtrace:|note: Some details are omitted)/;
/** `  left: 5` / ` right: 1` (or the quoted values before Rust 1.73). */
const comparedValue = /^\s*(left|right): /;
const crash = /^error: test failed, to rerun pass `?([^`]+?)`?$/;
const maxContextLines = 12;
const maxMessageChars = 400;

interface Panic {
  message: string[];
  file?: string;
  line?: number;
  column?: number;
}

/** A location inside Rust's own library (a test returning Err panics there) points nowhere useful. */
function isLibraryPath(file: string): boolean {
  return file.startsWith("/rustc/") || /(^|\/)library\/(std|core|test)\/src\//.test(file);
}

function readPanic(block: string[]): Panic | undefined {
  for (let index = 0; index < block.length; index++) {
    const line = block[index]!;
    const current = panicAt.exec(line);
    if (current) {
      const message: string[] = [];
      for (let next = index + 1; next < block.length && !messageEnd.test(block[next]!); next++) {
        message.push(block[next]!);
      }
      return { message, file: current[1]!, line: Number(current[2]), column: Number(current[3]) };
    }
    const quoted = panicQuoted.exec(line);
    if (quoted) return readQuotedPanic(block, index, quoted[1]!);
    const noPanic = didNotPanic.exec(line);
    if (noPanic) {
      const panic: Panic = { message: ["test did not panic as expected"] };
      if (noPanic[1]) Object.assign(panic, { file: noPanic[1], line: Number(noPanic[2]) });
      return panic;
    }
  }
  return undefined;
}

/** The quoted message that starts with `first` on line `index` and ends at `', file:line:col`. */
function readQuotedPanic(block: string[], index: number, first: string): Panic {
  const message: string[] = [];
  for (let next = index; next < block.length; next++) {
    const text = next === index ? first : block[next]!;
    const end = quotedEnd.exec(text);
    if (end) {
      message.push(end[1]!);
      return { message, file: end[2]!, line: Number(end[3]), column: Number(end[4]) };
    }
    message.push(text);
  }
  return { message };
}

/** The finding for one failing test from its stdout block (or a bare FAILED line when it has none). */
function failureFinding(test: string, block: string[]): Finding {
  const panic = readPanic(block);
  const errorLine = block.find((line) => line.startsWith("Error: "));
  let lines = trimBlankLines(panic?.message ?? []);
  const values = lines.slice(1);
  // `assertion failed` then `left: 5` / `right: 1`: one line says it all, and survives a tight budget.
  if (values.length > 0 && values.length <= 2 && values.every((line) => comparedValue.test(line))) {
    const folded = `${lines[0]!.trim().replace(/:$/, "")} (${values.map((line) => line.trim().replace(/,$/, "")).join(", ")})`;
    if (folded.length <= maxMessageChars) lines = [folded];
  }
  let message = lines[0]?.trim() || "failed";
  if (panic === undefined || (panic.file !== undefined && isLibraryPath(panic.file))) {
    message = errorLine ?? block.find((line) => line.trim() !== "")?.trim() ?? "failed without output";
  }
  const finding: Finding = { kind: "test", test, message: clip(message, maxMessageChars) };
  if (panic?.file !== undefined && !isLibraryPath(panic.file)) {
    finding.file = panic.file;
    finding.line = panic.line;
    if (panic.column !== undefined) finding.column = panic.column;
  }
  const context = lines.slice(1).slice(0, maxContextLines);
  if (context.length > 0) finding.context = context.join("\n");
  return finding;
}

/** A test binary killed by a signal names no failing test; say which target crashed and how. */
function crashFinding(lines: string[], index: number): Finding | undefined {
  const match = crash.exec(lines[index]!);
  if (!match) return undefined;
  const causes = causedBy(lines, index + 1).map((line) => line.trim());
  const reason = causes.find((line) => /signal: \d+/.test(line));
  if (!reason) return undefined;
  return {
    kind: "test",
    message: clip(`the test binary for ${match[1]} crashed: ${reason}`, maxMessageChars),
  };
}

/** Failing tests in `lines` (cargo test output). */
export function readCargoTestFailures(lines: string[]): CargoTestFailures {
  const findings: Finding[] = [];
  const blocks: { start: number; end: number }[] = [];
  const failed: string[] = [];
  const described = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const result = resultLine.exec(line);
    if (result) failed.push(result[1]!);
    const crashed = crashFinding(lines, index);
    if (crashed) findings.push(crashed);
    const header = blockHeader.exec(line);
    if (!header) continue;
    let end = index + 1;
    while (
      end < lines.length &&
      !blockHeader.test(lines[end]!) &&
      !/^(failures:|test result: )/.test(lines[end]!)
    ) {
      end++;
    }
    const test = header[1]!;
    findings.push(failureFinding(test, lines.slice(index + 1, end)));
    described.add(test);
    blocks.push({ start: index, end });
    index = end - 1;
  }
  for (const test of failed) {
    if (described.has(test)) continue;
    described.add(test);
    findings.push({ kind: "test", test, message: "failed; libtest printed no output for it" });
  }
  return { findings, blocks };
}
