// Reads node-tap (v16–v21) output: its TAP stream (`# Subtest:` nesting, YAML diagnostics with
// `at:`, `stack:` and `diff:`), and the `✖ suite > name` blocks of its base and terse reporters.
// Findings are the failing assertions (the leaves): never the subtests and files that fail
// because of them, and never with node-tap's ` # time=…` in their names.
import { parse as parseYaml } from "yaml";
import type { Finding } from "../../core/finding.ts";
import type { OutputParser } from "../verifier.ts";
import { describeDiff, parseTapReporterBlocks } from "./node-tap-reporter.ts";
import { clip, dedent, outputLines } from "./output-text.ts";

const subtestLine = /^(\s*)# Subtest: (.*)$/;
const resultLine = /^(\s*)(not ok|ok) \d+(?: - (.*))?$/;
/** Longest YAML diagnostics block read; node-tap's are tens of lines. */
const maxYamlLines = 500;
const maxMessageChars = 400;

/** The name and directive of a result's description; `\#` is a literal `#` in a name. */
export function splitDirective(description: string): { name: string; directive?: string } {
  const match = /^(.*?)(?<!\\) # (.*)$/.exec(description);
  const unescapeHash = (text: string): string => text.replace(/\\#/g, "#").trim();
  return match
    ? { name: unescapeHash(match[1]!), directive: match[2]!.trim() }
    : { name: unescapeHash(description) };
}

/** The YAML block (`---` … `...`) under the result at `index`, as an object, and where it ends. */
function yamlBlockAfter(lines: string[], index: number): { fields: Record<string, unknown>; end: number } {
  const start = index + 1;
  if (!/^\s*---\s*$/.test(lines[start] ?? "")) return { fields: {}, end: index };
  // Bounded: a block never closed (hostile or cut output) is no block, not a scan to the end per result.
  const limit = Math.min(lines.length, start + 1 + maxYamlLines);
  let end = start + 1;
  while (end < limit && !/^\s*\.\.\.\s*$/.test(lines[end]!)) end++;
  if (end >= limit) return { fields: {}, end: index };
  try {
    const parsed: unknown = parseYaml(dedent(lines.slice(start + 1, end)).join("\n"), { logLevel: "silent" });
    const fields = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    return { fields, end };
  } catch {
    // A block that is not YAML (a test printing `---` itself) still ends the block; it tells nothing.
    return { fields: {}, end };
  }
}

function field(fields: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value === "string" || typeof value === "number") return String(value);
  }
  return undefined;
}

/** `at:` as tap 18+ writes it (fileName, lineNumber) or tap 16 (file, line); else the first stack frame. */
function locationOf(fields: Record<string, unknown>): Pick<Finding, "file" | "line" | "column"> {
  const at =
    typeof fields.at === "object" && fields.at !== null ? (fields.at as Record<string, unknown>) : {};
  const file = field(at, "fileName", "file");
  const line = field(at, "lineNumber", "line");
  if (file !== undefined && line !== undefined && !file.includes("node_modules")) {
    const column = field(at, "columnNumber", "column");
    return { file, line: Number(line), ...(column === undefined ? {} : { column: Number(column) }) };
  }
  const frame = (field(fields, "stack") ?? "")
    .split("\n")
    .map((text) => /\(?([^\s()]+):(\d+):(\d+)\)?$/.exec(text.trim()))
    .find((match) => match && !match[1]!.includes("node_modules") && !match[1]!.startsWith("node:"));
  return frame ? { file: frame[1]!, line: Number(frame[2]), column: Number(frame[3]) } : {};
}

/** The finding of one failing assertion named `name` under the subtests `path`. */
function leafFinding(path: string[], name: string, fields: Record<string, unknown>): Finding {
  const { summary, context } = describeDiff(field(fields, "diff"));
  const wanted = field(fields, "wanted", "expected");
  const found = field(fields, "found", "actual");
  const values =
    summary ??
    (wanted !== undefined && found !== undefined ? `expected ${wanted}, actual ${found}` : undefined);
  const exitCode = field(fields, "exitCode");
  const signal = field(fields, "signal");
  // A test file that failed with no failing assertion: its process ended badly.
  const ended = signal
    ? `killed by ${signal}`
    : exitCode && exitCode !== "0"
      ? `exited with code ${exitCode}`
      : undefined;
  const detail = values ?? ended;
  const message = detail ? `${name}: ${detail}` : name || "failed";
  const finding: Finding = {
    kind: "test",
    test: [...path, name].join(" > "),
    message: clip(message, maxMessageChars),
  };
  Object.assign(finding, locationOf(fields));
  if (context) finding.context = context;
  return finding;
}

/** Non-TAP lines kept between two top-level results: what a test file printed to stderr (the
 * diagnostics blocks under results are skipped over, never kept). */
const maxPrintedLines = 200;
const tapLine = /^\s*(TAP version|1\.\.|#|ok |not ok |Bail out!|---\s*$|\.\.\.\s*$)/;

/**
 * A test file that did not load prints node's error before its result: `/path/file.js:2`, the code
 * frame, then `SyntaxError: …`. That says why, and where, better than its exit code.
 */
function withLoadError(finding: Finding, printed: string[]): Finding {
  const errorIndex = printed.findIndex((line) => /^\w*Error: ./.test(line));
  if (errorIndex < 0) return finding;
  const where = printed.slice(0, errorIndex).findLastIndex((line) => /^\S+:\d+$/.test(line));
  const located: Finding = { ...finding, message: clip(printed[errorIndex]!, maxMessageChars) };
  if (where >= 0) {
    const [, file, line] = /^(\S+):(\d+)$/.exec(printed[where]!)!;
    Object.assign(located, { file: file!.replace(/^file:\/\//, ""), line: Number(line) });
    delete located.column;
    const frame = printed.slice(where + 1, errorIndex).filter((line) => line.trim() !== "");
    if (frame.length > 0) located.context = frame.join("\n");
  }
  return located;
}

interface Frame {
  indent: number;
  name: string;
  /** Failing leaves found under this subtest so far. */
  failures: number;
}

/** Findings from node-tap's TAP stream: each failing leaf; a failing subtest with no failing leaf itself. */
export function parseNodeTapStream(output: string): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  const open: Frame[] = [];
  let printed: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() !== "" && !tapLine.test(line) && printed.length < maxPrintedLines) printed.push(line);
    const subtest = subtestLine.exec(line);
    if (subtest) {
      open.push({ indent: subtest[1]!.length, name: splitDirective(subtest[2]!).name, failures: 0 });
      continue;
    }
    const result = resultLine.exec(line);
    if (!result) continue;
    const indent = result[1]!.length;
    while (open.length > 0 && open.at(-1)!.indent > indent) open.pop();
    const { name, directive } = splitDirective(result[3] ?? "");
    const { fields, end } = yamlBlockAfter(lines, index);
    index = end;
    const closes = open.at(-1)?.indent === indent ? open.pop() : undefined;
    const failed = result[2] === "not ok" && !/^(todo|skip)\b/i.test(directive ?? "");
    const topLevel = indent === 0;
    const before = printed;
    if (topLevel) printed = [];
    // A subtest (or file) fails because of its leaves; alone it is a finding (a crash, a timeout).
    if (!failed || (closes && closes.failures > 0)) continue;
    const finding = leafFinding(
      open.map((frame) => frame.name),
      name,
      fields,
    );
    findings.push(topLevel && closes ? withLoadError(finding, before) : finding);
    for (const frame of open) frame.failures += 1;
  }
  return findings;
}

/** The TAP stream's findings, or else the reporter's `✖` blocks when tap printed no TAP. */
export function parseNodeTapOutput(output: string): Finding[] {
  const stream = parseNodeTapStream(output);
  return stream.length > 0 ? stream : parseTapReporterBlocks(output);
}

export const nodeTapParser: OutputParser = {
  name: "node-tap",
  parse: (output) => parseNodeTapOutput(output),
};
