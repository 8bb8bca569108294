// Turns what node's test runner says about one failing test (spec or TAP) into a Finding: the
// full test name, the first line of the error, expected/actual, and the best file:line.
import type { Finding } from "../../core/finding.ts";
import { clip, trimBlankLines } from "./output-text.ts";

/** What either reporter tells about one failing test. */
export interface TestFailure {
  /** Suites and parent tests joined with " > ", then the test's own name. */
  fullName: string;
  /** `file:line:col` where the test is declared. */
  declaredAt?: string;
  /** The error message lines, without the stack. */
  errorLines: string[];
  /** Error class name when the reporter gives it apart from the message (TAP). */
  errorName?: string;
  /** Stack frames, with or without the leading `at `. */
  stack: string[];
  expected?: string;
  actual?: string;
  /** Output printed just before the failure, used when a whole file failed to load. */
  preamble: string[];
}

interface Location {
  file: string;
  line: number;
  column?: number;
}

const maxContextLines = 12;
const maxMessageChars = 400;
const locationPattern = /^(?:file:\/\/)?(.+?):(\d+)(?::(\d+))?$/;
const frameLocationPattern = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/;

function parseLocation(text: string): Location | undefined {
  const match = locationPattern.exec(text.trim());
  if (!match) return undefined;
  const column = match[3] === undefined ? undefined : Number(match[3]);
  return { file: match[1]!, line: Number(match[2]), column };
}

function frameLocation(frame: string): Location | undefined {
  const match = frameLocationPattern.exec(frame);
  if (!match) return undefined;
  const file = match[1]!.replace(/^file:\/\//, "");
  if (file.startsWith("node:") || file.includes("/node_modules/")) return undefined;
  return { file, line: Number(match[2]), column: Number(match[3]) };
}

/** The assertion's line in the test file when the stack has it, else where the test is declared. */
function bestLocation(failure: TestFailure): Location | undefined {
  const declared = failure.declaredAt === undefined ? undefined : parseLocation(failure.declaredAt);
  const frames = failure.stack.map(frameLocation).filter((frame) => frame !== undefined);
  if (declared) {
    const inTestFile = frames.find(
      (frame) =>
        frame.file === declared.file || frame.file.endsWith(`/${declared.file.replace(/^\.\//, "")}`),
    );
    return inTestFile ? { ...inTestFile, file: declared.file } : declared;
  }
  return frames[0];
}

/** A file that failed to load: node prints the error (with `file:///path:line`) before the result. */
function loadFailure(
  preamble: string[],
): { message: string; location?: Location; context: string[] } | undefined {
  const errorIndex = preamble.findIndex((line) => /^\w*(Error|Exception)\b.*?: /.test(line.trim()));
  if (errorIndex < 0) return undefined;
  const locationIndex = preamble.findIndex((line) => /^(file:\/\/)?\/\S+:\d+$/.test(line.trim()));
  const location =
    locationIndex < 0 ? undefined : parseLocation(preamble[locationIndex]!.replace(/^file:\/\//, ""));
  const frame = locationIndex < 0 ? [] : preamble.slice(locationIndex + 1, errorIndex);
  return { message: preamble[errorIndex]!.trim(), location, context: trimBlankLines(frame) };
}

function unquote(text: string): string {
  const quoted = /^'(.*)'$/.exec(text) ?? /^"(.*)"$/.exec(text);
  return quoted ? quoted[1]! : text;
}

/** First line of the error, joined with the next one when it only introduces it ("…equal:" + "1 !== 3"). */
function messageAndRest(failure: TestFailure): { message: string; rest: string[]; joined: boolean } {
  const lines = trimBlankLines(failure.errorLines);
  let first = unquote((lines[0] ?? "failed").trim()).replace(/^AssertionError(?: \[\w+\])?: /, "");
  first = first.replace(/^(\w*Error) \[\w+\]: /, "$1: ");
  if (failure.errorName && failure.errorName !== "AssertionError" && !first.startsWith(failure.errorName)) {
    first = `${failure.errorName}: ${first}`;
  }
  let rest = lines.slice(1);
  const nextIndex = rest.findIndex((line) => line.trim() !== "");
  const next = nextIndex < 0 ? undefined : rest[nextIndex]!.trim();
  const joined =
    first.endsWith(":") && next !== undefined && !next.startsWith("+ actual") && next.length <= 160;
  if (joined) {
    first = `${first} ${next}`;
    rest = rest.slice(nextIndex + 1);
  }
  return { message: clip(first, maxMessageChars), rest: trimBlankLines(rest), joined };
}

/** Build the Finding for one failing test. */
export function failureToFinding(failure: TestFailure): Finding {
  let { message, rest, joined } = messageAndRest(failure);
  let location = bestLocation(failure);
  const loaded = message === "test failed" ? loadFailure(failure.preamble) : undefined;
  if (loaded) {
    message = loaded.message;
    location = loaded.location ?? location;
    rest = loaded.context;
  }
  // "…equal: 1 !== 3" already shows both values; a bare custom message does not.
  if (!joined && rest.length === 0 && failure.expected !== undefined && failure.actual !== undefined) {
    rest = [`expected: ${failure.expected}`, `actual:   ${failure.actual}`];
  }
  const finding: Finding = { kind: "test", test: failure.fullName, message };
  if (location) {
    finding.file = location.file;
    finding.line = location.line;
    if (location.column !== undefined) finding.column = location.column;
  }
  if (rest.length > 0) finding.context = rest.slice(0, maxContextLines).join("\n");
  return finding;
}
