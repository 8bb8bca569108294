// Reads CTest output: one finding per failed test, named from `N/M Test #N: name ...***Failed` and
// `The following tests FAILED:`, with what the test printed (`--output-on-failure`) as context and
// the file:line of an assertion or a diagnostic in it.
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { clip, outputLines, trimBlankLines } from "./output-text.ts";

const resultLine = /^\s*\d+\/\d+ Test\s+#(\d+): (.+?) \.*\s*(Passed|\S.*?)\s+[\d.]+ sec$/;
const failedListStart = /^The following tests FAILED:$/;
const failedListEntry = /^\s+(\d+) - (.+) \(([^()]+)\)$/;
const startLine = /^\s+Start\s+\d+: /;
const endOfResults = /^(\d+% tests passed|Total Test time|The following tests|Errors while running CTest)/;
const noTests = /^No tests were found!!!$/;
/** `prog: file.c:8: main: Assertion `x' failed.` — glibc's assert. */
const assertion = /(?:^|\s)(\S+?):(\d+): [^:]*: (Assertion .* failed\.)$/;
/** A source location in what a test printed (GoogleTest, Catch2, a hand-written `file:line:`). */
const location =
  /(?:^|[\s(])((?:\/|\.{1,2}\/)?[\w.+/-]+\.(?:c|cc|cpp|cxx|c\+\+|h|hh|hpp|hxx|m|mm|cu|f90|rs|go|py)):(\d+)(?::\d+)?:?\s*(.*)$/;
const maxContextLines = 10;
const maxMessageChars = 300;
/** CTest's own lines are short; longer ones are a test's output, never matched against them. */
const maxResultLineChars = 1_000;

interface FailedTest {
  number: string;
  name: string;
  status: string;
  output: string[];
}

/** CTest's `Subprocess aborted***Exception:` or `***Failed` as a short status. */
function cleanStatus(status: string): string {
  return status.replace(/\*{3}/g, " ").replace(/:\s*$/, "").replace(/\s+/g, " ").trim();
}

/** The failed tests with the output under each result line. */
function readResults(lines: string[]): Map<string, FailedTest> {
  const failed = new Map<string, FailedTest>();
  let current: FailedTest | undefined;
  for (const line of lines) {
    const result = line.length <= maxResultLineChars ? resultLine.exec(line) : null;
    if (result) {
      const [, number, name, status] = result;
      current =
        status === "Passed"
          ? undefined
          : { number: number!, name: name!, status: cleanStatus(status!), output: [] };
      if (current) failed.set(current.number, current);
      continue;
    }
    if (startLine.test(line) || endOfResults.test(line)) current = undefined;
    else if (current && current.output.length < 200) current.output.push(line);
  }
  return failed;
}

/** The failed-test list at the end: authoritative names and statuses, also without result lines. */
function readFailedList(lines: string[], failed: Map<string, FailedTest>): void {
  const start = lines.findIndex((line) => failedListStart.test(line));
  if (start < 0) return;
  for (const line of lines.slice(start + 1)) {
    const entry = line.length <= maxResultLineChars ? failedListEntry.exec(line) : null;
    if (!entry) break;
    const [, number, name, status] = entry;
    const known = failed.get(number!);
    if (known) known.status = status!;
    else failed.set(number!, { number: number!, name: name!, status: status!, output: [] });
  }
}

/** What the test's output says went wrong, and where. */
function explain(test: FailedTest): Pick<Finding, "file" | "line" | "message"> {
  const output = trimBlankLines(test.output);
  for (const [index, line] of output.entries()) {
    const failedAssertion = assertion.exec(line);
    if (failedAssertion)
      return { file: failedAssertion[1], line: Number(failedAssertion[2]), message: failedAssertion[3]! };
    const at = location.exec(line);
    if (!at) continue;
    // `file:line: Failure` (GoogleTest) and `file:line: FAILED:` (Catch2) say what on the next line.
    let message = at[3]!.trim();
    if (/^(Failure|FAILED:?|error:?)$/i.test(message) && output[index + 1])
      message += ` ${output[index + 1]!.trim()}`;
    return { file: at[1], line: Number(at[2]), message: message || test.status };
  }
  const first = output.find((line) => line.trim() !== "");
  return { message: first ? `${test.status}: ${first.trim()}` : test.status };
}

/** One finding per failed CTest test; `No tests were found` is a finding too. */
export function parseCtestOutput(output: string): Finding[] {
  const lines = outputLines(output);
  const failed = readResults(lines);
  readFailedList(lines, failed);
  const findings: Finding[] = [...failed.values()].map((test) => {
    const { file, line, message } = explain(test);
    const finding: Finding = { kind: "test", test: test.name, message: clip(message, maxMessageChars) };
    if (file !== undefined) finding.file = file.replace(/^\.\//, "");
    if (line !== undefined) finding.line = line;
    // The context says what the message does not: the status, and output beyond its one line.
    const shown = trimBlankLines(test.output).slice(0, maxContextLines);
    const status = message.startsWith(test.status) ? [] : [`(${test.status})`];
    const context = [...status, ...(shown.length > 1 ? shown : [])];
    if (context.length > 0) finding.context = context.join("\n");
    return finding;
  });
  if (findings.length === 0 && lines.some((line) => noTests.test(line)))
    findings.push({
      kind: "test",
      message: "ctest found no tests (does CMakeLists.txt call enable_testing() and add_test?)",
    });
  return findings;
}

export const ctestParser: OutputParser = {
  name: "ctest",
  parse: (output) => parseCtestOutput(output),
};
