// Reads failing tests from `go test` output: `--- FAIL: TestName (0.00s)` headers (subtests
// indented four spaces a level), the `file_test.go:12: message` lines each test logged, panics
// with their goroutine trace, and the `FAIL\tpackage` line that closes each package's output.
import type { Finding } from "../../core/finding.ts";
import { goPanic } from "./go-panic.ts";
import { clip, dedent } from "./output-text.ts";

export interface GoTestFailures {
  findings: Finding[];
  /** Lines that belong to tests (logs, panics): not compiler diagnostics. */
  consumed: Set<number>;
}

interface FailedTest {
  name: string;
  depth: number;
  logs: string[];
  hasFailingSubtest: boolean;
  panic?: { message: string; file?: string; line?: number; context: string[] };
}

const failHeader = /^(\s*)--- FAIL: (.+?) \(\d+(?:\.\d+)?s\)$/;
const logStart = /^(\S+?\.go):(\d+): ?(.*)$/;
const packageResult = /^(?:FAIL|ok)\s+(\S+)(?:\s|$)/;
// go test -v: `=== RUN   TestX` (also CONT, NAME) opens a test's log lines, which come BEFORE its
// `--- FAIL:` header; PAUSE and any `--- ` result header close it.
const runMarker = /^=== (RUN|CONT|NAME|PAUSE)\s+(\S.*)$/;
const resultHeader = /^\s*--- (?:PASS|FAIL|SKIP): /;
const maxContextLines = 12;
const maxFoldedLines = 3;
const maxFoldedChars = 200;
const maxMessageChars = 400;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * A short multi-line log entry (`got 2` / `want 0`) joined into one line, which survives a tight
 * summary budget that drops context; longer ones (a diff) stay as lines.
 */
function foldContinuation(entries: string[]): string[] {
  if (entries.length < 2 || !logStart.test(entries[0]!)) return entries;
  let end = 1;
  while (end < entries.length && !logStart.test(entries[end]!)) end++;
  const continuation = entries.slice(1, end).map((line) => line.trim());
  const folded = [entries[0]!, ...continuation].join("; ");
  if (continuation.length > maxFoldedLines || folded.length > maxFoldedChars) return entries;
  return [folded, ...entries.slice(end)];
}

/** The finding for one failing test; `pkg` is its import path when the output named it. */
function testFinding(test: FailedTest, pkg: string | undefined): Finding {
  const name = pkg ? `${pkg}.${test.name}` : test.name;
  const entries = foldContinuation(dedent(test.logs));
  const first = entries.length > 0 ? logStart.exec(entries[0]!) : null;
  const finding: Finding = { kind: "test", test: name, message: "failed (nothing was logged)" };
  let rest = entries.slice(1).map((line) => line.trimEnd());
  if (first) {
    const file = first[1]!;
    // Before Go 1.21's -fullpath, go test prints a bare file name, relative to a package
    // directory the output does not name: keep it in the message rather than guess a path.
    if (file.includes("/")) {
      finding.file = file;
      finding.line = Number(first[2]);
      finding.message = first[3]!;
    } else {
      finding.message = `${file}:${first[2]}: ${first[3]}`;
    }
  } else if (entries.length > 0) {
    finding.message = entries[0]!.trim();
  }
  if (test.panic) {
    if (first) rest.push(`panic: ${test.panic.message}`);
    else finding.message = `panic: ${test.panic.message}`;
    if (test.panic.file !== undefined && finding.file === undefined) {
      finding.file = test.panic.file;
      finding.line = test.panic.line;
    }
    rest = [...rest, ...test.panic.context];
  }
  finding.message = clip(finding.message, maxMessageChars);
  if (rest.length > 0) finding.context = rest.slice(0, maxContextLines).join("\n");
  return finding;
}

/** Which tests are reported: those that logged or panicked, and those with no failing subtest. */
function reported(tests: FailedTest[]): FailedTest[] {
  return tests.filter((test) => test.logs.length > 0 || test.panic || !test.hasFailingSubtest);
}

/**
 * The log lines go test -v prints between `=== RUN TestX` and TestX's result header, by test
 * name: without -v they follow the `--- FAIL:` header and the main loop reads them there.
 */
class VerboseLogs {
  private running: string | undefined;
  private readonly byTest = new Map<string, string[]>();

  /** Whether `line` was a -v marker or a log line of the running test (then it is kept). */
  take(line: string): boolean {
    const marker = runMarker.exec(line);
    if (marker) {
      this.running = marker[1] === "PAUSE" ? undefined : marker[2]!.trim();
      return true;
    }
    if (resultHeader.test(line)) {
      this.running = undefined;
      return false;
    }
    if (this.running === undefined || !line.startsWith(" ") || line.trim() === "") return false;
    const logs = this.byTest.get(this.running) ?? [];
    logs.push(line);
    this.byTest.set(this.running, logs);
    return true;
  }

  /** The lines `name` logged before its header (a copy: the header's own lines append to it). */
  logsOf(name: string): string[] {
    const logs = this.byTest.get(name) ?? [];
    this.byTest.delete(name);
    return [...logs];
  }
}

/** Failing tests in `lines` (go test output). */
export function readGoTestFailures(lines: string[]): GoTestFailures {
  const findings: Finding[] = [];
  const consumed = new Set<number>();
  let pending: FailedTest[] = [];
  const open: FailedTest[] = [];
  const flush = (pkg: string | undefined): void => {
    findings.push(...reported(pending).map((test) => testFinding(test, pkg)));
    pending = [];
    open.length = 0;
  };
  const verbose = new VerboseLogs();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (verbose.take(line)) {
      consumed.add(index);
      continue;
    }
    const header = failHeader.exec(line);
    if (header) {
      const depth = header[1]!.length / 4;
      while (open.length > 0 && open[open.length - 1]!.depth >= depth) open.pop();
      const parent = open[open.length - 1];
      if (parent) parent.hasFailingSubtest = true;
      const logs = verbose.logsOf(header[2]!);
      const test: FailedTest = { name: header[2]!, depth, logs, hasFailingSubtest: false };
      pending.push(test);
      open.push(test);
      consumed.add(index);
      continue;
    }
    const current = open[open.length - 1];
    if (current && line.trim() !== "" && indentOf(line) > current.depth * 4 && !line.startsWith("\t")) {
      current.logs.push(line);
      consumed.add(index);
      continue;
    }
    if (line.startsWith("panic: ")) {
      const panic = goPanic(lines, index);
      for (let used = index; used < panic.end; used++) consumed.add(used);
      const target = pending[pending.length - 1] ?? {
        name: panic.testName ?? "(panic outside any test)",
        depth: 0,
        logs: [],
        hasFailingSubtest: false,
      };
      target.panic = panic;
      if (!pending.includes(target)) pending.push(target);
      index = panic.end - 1;
      continue;
    }
    const result = packageResult.exec(line);
    if (result) flush(result[1]);
    if (current && indentOf(line) === 0 && line.trim() !== "") open.length = 0;
  }
  flush(undefined);
  return { findings, consumed };
}
